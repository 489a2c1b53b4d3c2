"""The feed poller, a producer: registry -> fetch -> parse -> dedup + story -> publish -> seen-state.

The loop and its policy live here and talk to the outside only through the ports in
``producers.polling.ports`` (store, lock, bus, fetch, read-back, observer); the adapters
that implement them are in ``wirewatch.adapters`` and are wired by ``wirewatch.bootstrap``.
"""
