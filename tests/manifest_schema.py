"""Validate Slack app manifests against Slack's JSON schema (used by CI and the tests)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import yaml


def manifest_errors(manifest_path: Path, schema_path: Path) -> list[str]:
    schema = json.loads(schema_path.read_text())
    manifest = yaml.safe_load(manifest_path.read_text())
    validator = jsonschema.Draft7Validator(schema)
    return [
        f"{manifest_path}: {'/'.join(map(str, error.path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(manifest)
    ]


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python -m tests.manifest_schema SCHEMA.json MANIFEST.yml...", file=sys.stderr)
        return 2
    schema, manifests = Path(argv[0]), [Path(p) for p in argv[1:]]
    errors = [e for manifest in manifests for e in manifest_errors(manifest, schema)]
    for error in errors:
        print(error, file=sys.stderr)
    if not errors:
        print(f"{len(manifests)} manifest(s) valid against {schema}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
