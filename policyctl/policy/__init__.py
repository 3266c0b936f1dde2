"""Policy: packs, enforcement (block/warn/log), scoring, waivers, baselines."""
