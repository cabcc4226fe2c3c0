"""The publishers' APIs, fetched and parsed into tidy frames: one module per publisher, one bounded client.

World Bank WDI (`wdi`), IMF IMTS and WEO (`imf`), UN Comtrade (`comtrade`) and UNCTADstat
(`unctad`) each get a module that builds the URL, parses the documented answer and says what it
verified and what it assumed; every request goes through `client`, whose hard `Limits` no server
can outlast. Everything here is written against the publishers' documented response formats and
tested offline, on hand-written fixtures and on answers the servers really sent, recorded by other
projects (tests/data/fixtures/publishers/real/); nothing here has been run against the live APIs
from here. Every failure is a `client.PublisherError` with a one-line message naming publisher and
series and a `kind` the refresh can act on (retry later, keep the snapshot, or stop because the
format moved).
"""
