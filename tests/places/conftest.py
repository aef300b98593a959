from tests.support.places import dev_uldk, dev_uldk_server  # noqa: F401 (fixtures)
