"""The catalogue: where keys come from.

- ``domains``: preference domains (schemas/domains/, one JSON Schema each) and the named choices;
  ``Catalog`` and ``load_catalog`` are re-exported here, the names the rest of profilegen imports.
- ``payloads``: Apple's payload types (schemas/payloads/), looked up by type and key path.
- ``user``: where the user catalogue lives. ``view`` and ``payload_view``: the `catalog` command's text.
- ``manifests``: `catalog import-manifests` (ProfileManifests -> domains).
- ``apple``: `catalog import-apple` and `python -m profilegen.catalog.apple` (Apple's YAML -> payloads).
"""

from profilegen.catalog.domains import (
    Catalog,
    Choice,
    DomainSchema,
    Effect,
    KeySpec,
    Option,
    load_catalog,
    load_domain_file,
    split_choices,
    split_tables,
)

__all__ = ["Catalog", "Choice", "DomainSchema", "Effect", "KeySpec", "Option", "load_catalog", "load_domain_file",
           "split_choices", "split_tables"]
