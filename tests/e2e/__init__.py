"""End-to-end tests: the installed command, real git repositories, the browser."""
