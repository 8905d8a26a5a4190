from tests.outgoing import dns, private_allowed, queue, receiver  # noqa: F401  (fixtures)
