"""Synthetic Zhenjiang-like networks for examples, tests and benchmarks.

:func:`city` generates a seeded, realistic grassroots party-building network in
the data-folder format (an :class:`orgnet.io.Dataset`), with gaps in it at the
rates of :data:`DEFAULT_GAPS`; :data:`SCALES` holds the built-in sizes, from
``tiny`` (≈1k nodes) to ``city`` (≈1.4M), and :data:`PROVINCE` four cities
(≈5.8M nodes, ``city("province")``, for benchmarks; a :class:`Scale` with
``cities=`` makes smaller multi-city networks).

Examples
--------
>>> from orgnet import synth
>>> ds = synth.city("tiny", seed=1)
>>> ds.counts()["areas"] > 0
True
>>> sorted(synth.SCALES)
['city', 'district', 'tiny']
>>> "grid_party_org" in synth.DEFAULT_GAPS
True
"""

from orgnet.synth.generator import DEFAULT_GAPS, PROVINCE, SCALES, Scale, city

__all__ = ["city", "DEFAULT_GAPS", "SCALES", "PROVINCE", "Scale"]
