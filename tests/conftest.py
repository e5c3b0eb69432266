pytest_plugins = ["mobilizon.testing"]
