"""The catalogue: where keys come from.

- ``domains``: preference domains (schemas/domains/, one JSON Schema each) and ``Catalog``;
  ``choices``: the named decisions; their public names are re-exported here, as the rest imports them.
- ``payloads``: Apple's payload types (schemas/payloads/), looked up by type and key path.
- ``user``: where the user catalogue lives. ``view`` and ``payload_view``: the `catalog` command's text.
- ``manifests``: `catalog import-manifests` (ProfileManifests -> domains).
- ``apple``: `catalog import-apple` and `python -m profilegen.catalog.apple` (Apple's YAML -> payloads).
"""

from profilegen.catalog.choices import Choice, Effect, Option, split_choices, split_tables
from profilegen.catalog.domains import Catalog, DomainSchema, KeySpec, load_catalog, load_domain_file

__all__ = ["Catalog", "Choice", "DomainSchema", "Effect", "KeySpec", "Option", "load_catalog", "load_domain_file",
           "split_choices", "split_tables"]
