"""Checks that measure the product rather than build it: `bench` (build times, the no-op build)
and `audit` (what every page costs a reader: bytes, Lighthouse), both printed by `make bench`.
"""
