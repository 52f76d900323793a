"""Rules Apple states only in prose, added to the converted schemas (schemas/payload-overrides.toml).

Each rule names its payload type (``*`` for all), where it applies (``at``: key paths written with ``/``,
``*`` for every key, ``[]`` for an array's items) and what it adds: keys to drop from ``required``, keys to
accept, or a JSON Schema fragment appended to ``allOf`` with the rule's id, message, severity and source,
so that a finding can say which rule it broke and why.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from profilegen.errors import InputError

OVERRIDES_FILE = "payload-overrides.toml"
SEVERITIES = ("error", "warning", "info")
RULE_DEF = "rule-"  # $defs name of a rule's fragment: rule-<id>


@dataclass(frozen=True)
class Rule:
    id: str
    payload: str
    message: str
    source: str
    severity: str = "error"
    at: tuple[str, ...] = ("",)
    excluding: tuple[str, ...] = ()
    not_required: tuple[str, ...] = ()
    accept: dict[str, Any] = field(default_factory=dict)
    schema: dict[str, Any] | None = None


def load_rules(path: Path) -> list[Rule]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the payload overrides: {exc.strerror}", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", path=path) from None
    rules = []
    for body in data.get("rule", []):
        try:
            rule = Rule(
                id=str(body["id"]), payload=str(body["payload"]), message=str(body["message"]),
                source=str(body["source"]), severity=str(body.get("severity", "error")),
                at=tuple(body.get("at", [""])), excluding=tuple(body.get("except", [])),
                not_required=tuple(body.get("not-required", [])), accept=dict(body.get("accept", {})),
                schema=body.get("schema"),
            )
        except KeyError as missing:
            raise InputError(f"a rule lacks {missing}", path=path, hint="each rule has id, payload, message "
                             "and source") from None
        if rule.severity not in SEVERITIES:
            raise InputError(f"rule {rule.id}: severity {rule.severity!r}", path=path,
                             hint="use error, warning or info")
        rules.append(rule)
    return rules


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target = document.get("$defs", {}).get(ref[len("#/$defs/"):])
        if isinstance(target, dict):
            return target
    return node


def targets(document: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    """The subschemas a rule path names, each with its concrete path."""
    found: list[tuple[str, dict[str, Any]]] = [("", document)]
    for part in [p for p in path.split("/") if p]:
        following: list[tuple[str, dict[str, Any]]] = []
        for where, node in found:
            if part == "[]":
                items = _resolve(document, node).get("items")
                if isinstance(items, dict):
                    following.append((f"{where}/[]", items))
                continue
            properties = _resolve(document, node).get("properties", {})
            names = list(properties) if part == "*" else [part] if part in properties else []
            following += [(f"{where}/{name}".lstrip("/"), properties[name]) for name in names]
        found = following
    return found


def apply_rules(document: dict[str, Any], rules: list[Rule]) -> list[str]:
    """Add the rules for this payload type to its schema; the ids of the rules that found nothing to apply to."""
    payload_type = document.get("x-payload-type")
    unused = []
    for rule in rules:
        if rule.payload not in ("*", payload_type):
            continue
        hits = [(where, node) for path in rule.at for where, node in targets(document, path)
                if where not in {e.strip("/") for e in rule.excluding}]
        if not hits:
            unused.append(rule.id)
        for _where, node in hits:
            body = _resolve(document, node)
            if rule.not_required and isinstance(body.get("required"), list):
                body["required"] = [name for name in body["required"] if name not in rule.not_required]
                if not body["required"]:
                    del body["required"]
                for name in rule.not_required:  # the relaxed key says which rule relaxed it
                    relaxed = body.get("properties", {}).get(name)
                    if isinstance(relaxed, dict):
                        relaxed["x-rule"] = rule.id
            if rule.accept:
                properties = body.setdefault("properties", {})
                for name, schema in rule.accept.items():
                    properties.setdefault(name, {**schema, "x-rule": rule.id})
            if rule.schema is not None:
                name = RULE_DEF + rule.id
                document.setdefault("$defs", {})[name] = {**rule.schema, "x-rule": rule.id, "x-message": rule.message,
                                                         "x-severity": rule.severity, "x-source": rule.source}
                node.setdefault("allOf", []).append({"$ref": f"#/$defs/{name}"})
    return unused
