"""Real servers (PostgreSQL, Synapse) started on 127.0.0.1 for the test suite.

`scripts/install-test-servers` installs them; `servers.fixtures` exposes them to pytest.
"""
