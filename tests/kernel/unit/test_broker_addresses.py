"""CASEWORK_BROKER_URL: one node's URL, or every node of a cluster separated by ';' (kombu's failover list)."""

import pytest
from click.testing import CliRunner

from casework.bus.connection import BrokerURLError, broker_addresses
from casework.cli import main

NODES = "amqp://guest:guest@127.0.0.1:5681//;amqp://guest:guest@127.0.0.1:5682//;amqp://guest:guest@127.0.0.1:5683//"


@pytest.mark.parametrize(("setting", "addresses"), [
    ("amqp://guest:guest@127.0.0.1:5672//", ["amqp://guest:guest@127.0.0.1:5672//"]),
    (NODES, NODES.split(";")),
    # Spaces and line breaks around the addresses, as a YAML block or a shell variable may leave them.
    (" amqp://u:p@a:5672//;\n amqp://u:p@b:5672// ", ["amqp://u:p@a:5672//", "amqp://u:p@b:5672//"]),
    # An address that leaves out the scheme, the user or the virtual host takes the first's.
    ("amqps://intake:s3cret@rabbit-0:5671/casework;rabbit-1:5671;amqps://rabbit-2:5671",
     ["amqps://intake:s3cret@rabbit-0:5671/casework", "amqps://intake:s3cret@rabbit-1:5671/casework",
      "amqps://intake:s3cret@rabbit-2:5671/casework"]),
    # …but never overrides what an address says itself.
    ("amqp://a:x@one//;amqp://b:y@two/other", ["amqp://a:x@one//", "amqp://b:y@two/other"]),
    ("memory://", ["memory://"]),
])
def test_each_node_address_is_made_whole(setting, addresses):
    assert broker_addresses(setting) == addresses


@pytest.mark.parametrize(("setting", "says"), [
    ("", "must start with a scheme"),
    ("rabbit-0:5672", "must start with a scheme"),
    ("amqp://u:p@a//;;amqp://u:p@b//", "empty address"),
    ("amqp://u:p@a//;", "empty address"),
    ("amqp://u:p@a:56x2//", "port that is not a number"),
    ("amqp://u:p@a//;amqp://:5672", "names no host"),
    ("memory://;memory://", "no other nodes"),
])
def test_a_malformed_setting_is_refused_saying_why(setting, says):
    with pytest.raises(BrokerURLError, match=says):
        broker_addresses(setting)


def test_an_error_never_shows_the_password():
    with pytest.raises(BrokerURLError) as raised:
        broker_addresses("amqp://intake:s3cret@a:56x2//")
    assert "s3cret" not in str(raised.value)


def test_casework_up_refuses_a_malformed_broker_list_naming_the_setting():
    result = CliRunner().invoke(main, ["up"], env={"CASEWORK_BROKER_URL": "amqp://u:p@a//;;amqp://u:p@b//"})
    assert result.exit_code == 2
    assert "CASEWORK_BROKER_URL" in result.output and "empty address" in result.output
