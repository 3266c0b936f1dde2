"""Differential-privacy noise: the statistics of the draws, the proven loss, the budget."""

from __future__ import annotations

import math
import statistics

import pytest

from policyctl.core.errors import ConfigError
from policyctl.redaction.noise import Budget, NoiseSpec, count_mechanism, mechanism

DRAWS = 4000


def noise(spec: NoiseSpec, at: float = 0.0) -> list[float]:
    adder = mechanism(spec)
    return [adder.noisy(at) - at for _ in range(DRAWS)]


def test_laplace_noise_has_mean_zero_and_the_scale_epsilon_and_sensitivity_give() -> None:
    spec = NoiseSpec(epsilon=0.5, sensitivity=2.0)
    draws = noise(spec)
    scale = 2.0 / 0.5
    # Laplace(b): mean 0, standard deviation b*sqrt(2); the mean of n draws has sd b*sqrt(2/n).
    assert abs(statistics.fmean(draws)) < 5 * scale * math.sqrt(2 / DRAWS)
    assert statistics.stdev(draws) == pytest.approx(scale * math.sqrt(2), rel=0.15)
    # mean absolute deviation of Laplace(b) is b
    assert statistics.fmean(abs(d) for d in draws) == pytest.approx(scale, rel=0.1)


def test_a_smaller_epsilon_means_more_noise() -> None:
    wide = statistics.stdev(noise(NoiseSpec(epsilon=0.1, sensitivity=1.0)))
    narrow = statistics.stdev(noise(NoiseSpec(epsilon=2.0, sensitivity=1.0)))
    assert wide > 10 * narrow


def test_the_recorded_epsilon_is_the_one_opendp_proves() -> None:
    laplace = mechanism(NoiseSpec(epsilon=0.7, sensitivity=3.0))
    assert laplace.scale == pytest.approx(3.0 / 0.7)
    assert laplace.epsilon == pytest.approx(0.7)
    gaussian = mechanism(NoiseSpec(epsilon=1.0, sensitivity=1.0, mechanism="gaussian"))
    assert gaussian.epsilon <= 1.0 and gaussian.delta == pytest.approx(1e-6)
    draws = noise(NoiseSpec(epsilon=1.0, sensitivity=1.0, mechanism="gaussian"))
    assert statistics.stdev(draws) == pytest.approx(gaussian.scale, rel=0.1)


def test_bounds_clamp_the_value_and_set_the_sensitivity() -> None:
    spec = NoiseSpec(epsilon=1.0, lower=0.0, upper=100.0)
    adder = mechanism(spec)
    assert spec.bound == 100.0 and adder.scale == pytest.approx(100.0)
    clamped = [mechanism(NoiseSpec(epsilon=1e6, lower=0.0, upper=10.0)).noisy(500.0)]
    assert clamped[0] == pytest.approx(10.0, abs=1e-3)


def test_counts_get_integer_noise_centred_on_the_count() -> None:
    noisy = count_mechanism(1.0)
    draws = [noisy(1000) for _ in range(DRAWS)]
    assert all(isinstance(d, int) for d in draws)
    assert abs(statistics.fmean(draws) - 1000) < 0.2


@pytest.mark.parametrize(
    "spec",
    [
        {"epsilon": 0.0, "sensitivity": 1.0},
        {"epsilon": 1.0},
        {"epsilon": 1.0, "lower": 5.0},
        {"epsilon": 1.0, "lower": 5.0, "upper": 1.0},
        {"epsilon": 1.0, "sensitivity": 1.0, "mechanism": "exponential"},
    ],
)
def test_an_incomplete_or_wrong_spec_is_a_config_error(spec: dict[str, object]) -> None:
    with pytest.raises(ConfigError, match="dp:"):
        NoiseSpec(**spec)  # type: ignore[arg-type]


def test_the_budget_adds_up_per_column_and_refuses_before_spending() -> None:
    budget = Budget(total=1.0)
    budget.spend("age", 0.4)
    budget.spend("salary", 0.4)
    assert budget.used == pytest.approx(0.8)
    with pytest.raises(ConfigError, match="over the budget of 1"):
        budget.plan({"score": 0.3})
    assert budget.spent == {"age": 0.4, "salary": 0.4}
    Budget(total=None).plan({"any": 100.0})


def test_many_values_at_once_get_the_same_noise_as_one_at_a_time() -> None:
    laplace = mechanism(NoiseSpec(epsilon=1.0, sensitivity=3.0))
    draws = [d - 10.0 for d in laplace.noisy_many([10.0] * DRAWS)]
    assert abs(statistics.fmean(draws)) < 5 * 3.0 * math.sqrt(2 / DRAWS)
    assert statistics.fmean(abs(d) for d in draws) == pytest.approx(3.0, rel=0.1)
    gaussian = mechanism(NoiseSpec(epsilon=1.0, sensitivity=3.0, mechanism="gaussian"))
    spread = statistics.pstdev(gaussian.noisy_many([0.0] * DRAWS))
    assert spread == pytest.approx(gaussian.scale, rel=0.1)
    clamped = mechanism(NoiseSpec(epsilon=1e6, lower=0.0, upper=1.0)).noisy_many([-5.0, 9.0])
    assert clamped == pytest.approx([0.0, 1.0], abs=1e-3)
    assert laplace.noisy_many([]) == []


def test_gaussian_noise_scales_with_a_large_sensitivity() -> None:
    # Unbounded, OpenDP's search overflowed at sensitivity 1000 (and took a minute).
    small = mechanism(NoiseSpec(epsilon=1.0, sensitivity=10.0, mechanism="gaussian"))
    large = mechanism(NoiseSpec(epsilon=1.0, sensitivity=1000.0, mechanism="gaussian"))
    assert large.scale == pytest.approx(100 * small.scale, rel=1e-3)  # sigma is linear in it
    assert large.epsilon == pytest.approx(1.0)
