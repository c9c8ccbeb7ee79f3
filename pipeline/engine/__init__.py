"""Build: plan render tasks, run them with a cache, publish dist/ atomically."""
