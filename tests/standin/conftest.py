"""Fixture: the Slack stand-in on loopback, with a clock the test moves by hand."""

from tests.support.standin import slack as slack
