"""Payloads per second: our compiled validator (strict, enums checked) against botocore's ParamValidator
and against fastjsonschema on an equivalent JSON Schema.

Same payloads, same model, same run: a few thousand payloads generated from the installed botocore's
models of large create calls with nested requests, a share of them made invalid (a wrong type, an
unknown member or a required member dropped). Ours checks the bounds the model's traits overlay
knows (min/max, hostLabel), as a baseline's would; the ``bounds`` column counts the request paths
that carry one. The JSON Schema is generated from the same botocore shape: types, required members,
enums, min/max lengths, sizes and values, ``additionalProperties: false``, tagged unions as
``minProperties``/``maxProperties`` 1; timestamps and blobs (no JSON type holds a datetime or bytes)
as the JSON types they cannot be; documents and recursion unconstrained, which only spares it work.

    python -m benchmarks.check [--count 2000] [--invalid 0.2] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import string
import time
from collections.abc import Callable
from typing import Any

import fastjsonschema
from botocore.model import OperationModel, ServiceModel
from botocore.model import Shape as BotoShape
from botocore.validate import ParamValidator

from changelog_tracker.check import validate
from changelog_tracker.check.compile import constraints
from changelog_tracker.model import Operation
from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.sources.wheel import installed_models

CALLS = (
    ("ecs", "RegisterTaskDefinition"),
    ("wafv2", "CreateWebACL"),
    ("sagemaker", "CreateTrainingJob"),
    ("glue", "CreateJob"),
    ("ec2", "RunInstances"),
)
SKIP = object()  # a value that cannot be generated (a recursive shape the page cut)
WRONG = (["a", "list"], {"an": "object"}, 12345, "text", 2.5)


class Generator:
    """Random valid payloads from a botocore shape: every `min` and `max` respected, recursion never entered."""

    def __init__(self, seed: int, optional: float = 0.7, depth: int = 5) -> None:
        self.rng, self.optional, self.depth = random.Random(seed), optional, depth

    def value(self, shape: BotoShape, history: tuple[str, ...] = ()) -> Any:
        if shape.name in history:
            return SKIP
        history = (*history, shape.name)
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, history)
        if kind == "list":
            items = [self.value(shape.member, history) for _ in range(self._size(shape, 1, 3))]
            return SKIP if SKIP in items else items
        if kind == "map":
            pairs = {self.scalar(shape.key): self.value(shape.value, history) for _ in range(self.rng.randint(1, 3))}
            return {k: v for k, v in pairs.items() if v is not SKIP}
        return self.scalar(shape)

    def structure(self, shape: Any, history: tuple[str, ...]) -> Any:
        if shape.is_document_type:
            return {"key": [1, "two", {"three": None}]}
        names = list(shape.members)
        if shape.is_tagged_union:
            names = [self.rng.choice(names)]
        required = set(shape.required_members)
        keep = self.optional if len(history) <= self.depth else 0.0
        out = {}
        for name in names:
            if name in required or shape.is_tagged_union or self.rng.random() < keep:
                value = self.value(shape.members[name], history)
                if value is SKIP and name in required:
                    return SKIP
                if value is not SKIP:
                    out[name] = value
        return out

    def scalar(self, shape: BotoShape) -> Any:
        kind, low = shape.type_name, shape.metadata.get("min", 0)
        if kind == "string":
            return self.rng.choice(shape.enum) if shape.enum else self._text(shape)
        makers: dict[str, Callable[[], Any]] = {
            "integer": lambda: self.rng.randint(int(low), int(shape.metadata.get("max", int(low) + 1000))),
            "long": lambda: self.rng.randint(int(low), int(shape.metadata.get("max", int(low) + 10**6))),
            "double": lambda: self.rng.uniform(float(low), float(shape.metadata.get("max", low + 100))),
            "float": lambda: self.rng.uniform(float(low), float(shape.metadata.get("max", low + 100))),
            "boolean": lambda: self.rng.random() < 0.5,
            "timestamp": lambda: dt.datetime(2025, 1, 1) + dt.timedelta(seconds=self.rng.randint(0, 10**7)),
            "blob": lambda: self.rng.randbytes(16),
        }
        return makers[kind]()

    def spoil(self, payload: dict[str, Any], shape: BotoShape) -> None:
        """One mistake in ``payload``, at a random place: a wrong type, an unknown member, a required one dropped."""
        places: list[tuple[Any, BotoShape]] = []
        _structures(payload, shape, places)
        target, where = self.rng.choice(places)
        required = [n for n in where.required_members if n in target]
        how = self.rng.choice(["type", "unknown", "drop"] if required else ["type", "unknown"])
        if how == "drop":
            del target[self.rng.choice(required)]
        elif how == "type" and any(not _is_document(where.members[n]) for n in target):
            name = self.rng.choice(sorted(n for n in target if not _is_document(where.members[n])))
            kind = where.members[name].type_name
            target[name] = self.rng.choice([w for w in WRONG if not _fits(w, kind)])
        else:
            target["unexpectedMember"] = 1

    def _size(self, shape: BotoShape, low: int, high: int) -> int:
        least = max(int(shape.metadata.get("min", 0)), low)
        return self.rng.randint(least, max(least, min(high, int(shape.metadata.get("max", high)))))

    def _text(self, shape: BotoShape) -> str:
        return "".join(self.rng.choices(string.ascii_letters, k=self._size(shape, 1, 12)))


def _fits(value: Any, kind: str) -> bool:
    """Whether botocore could accept ``value`` for a shape of ``kind`` (so it would not spoil it)."""
    takes = {"structure": dict, "map": dict, "list": list, "string": str, "blob": str, "timestamp": str | int | float}
    return isinstance(value, takes.get(kind, int | float))


def _is_document(shape: BotoShape) -> bool:
    return bool(getattr(shape, "is_document_type", False))


def _structures(value: Any, shape: BotoShape, found: list[tuple[Any, BotoShape]]) -> None:
    """The structures of a payload, beside their shapes (documents left alone)."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not _is_document(shape):
        found.append((value, shape))
        for name, item in value.items():
            _structures(item, shape.members[name], found)
    elif kind == "list" and isinstance(value, list):
        for item in value:
            _structures(item, shape.member, found)
    elif kind == "map" and isinstance(value, dict):
        for item in value.values():
            _structures(item, shape.value, found)


def payloads(op: OperationModel, count: int, seed: int, invalid: float) -> list[dict[str, Any]]:
    generator = Generator(seed)
    made = [p for p in (generator.value(op.input_shape) for _ in range(count)) if p is not SKIP]
    for payload in made:
        if generator.rng.random() < invalid:
            generator.spoil(payload, op.input_shape)
    return made


def json_schema(shape: BotoShape, history: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON Schema of a botocore shape, as close to its rules as JSON Schema can say them."""
    if shape.name in history:
        return {}  # recursion: the generator never enters it
    history, kind, meta = (*history, shape.name), shape.type_name, shape.metadata
    low, high = meta.get("min"), meta.get("max")
    out: dict[str, Any]
    if kind == "structure":
        if shape.is_document_type:
            return {}
        members = {n: json_schema(s, history) for n, s in shape.members.items()}
        out = {"type": "object", "properties": members, "additionalProperties": False}
        if shape.required_members:
            out["required"] = list(shape.required_members)
        if shape.is_tagged_union:
            out |= {"minProperties": 1, "maxProperties": 1}
        return out
    if kind == "list":
        return _bounded({"type": "array", "items": json_schema(shape.member, history)}, "Items", low, high)
    if kind == "map":
        out = {"type": "object", "additionalProperties": json_schema(shape.value, history)}
        return _bounded(out | {"propertyNames": json_schema(shape.key, history)}, "Properties", low, high)
    if kind == "string":
        out = {"type": "string"} | ({"enum": list(shape.enum)} if shape.enum else {})
        return _bounded(out, "Length", low, high)
    numbers = {"integer": "integer", "long": "integer", "float": "number", "double": "number"}
    if kind in numbers:
        out = {"type": numbers[kind]}
        return out | ({"minimum": low} if low is not None else {}) | ({"maximum": high} if high is not None else {})
    if kind == "boolean":
        return {"type": "boolean"}
    # A datetime or bytes has no JSON type: refuse the JSON types they cannot be instead.
    refused = {"timestamp": ["object", "array", "boolean", "null"], "blob": ["object", "array", "number", "null"]}
    return {"not": {"type": refused[kind]}} if kind in refused else {}


def _bounded(schema: dict[str, Any], noun: str, low: Any, high: Any) -> dict[str, Any]:
    if low is not None:
        schema[f"min{noun}"] = int(low)
    if high is not None:
        schema[f"max{noun}"] = int(high)
    return schema


def seconds(run: Callable[[], int]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def bench(op: OperationModel, ours: Operation, batch: list[dict[str, Any]], repeat: int = 5) -> dict[str, float]:
    """Rates (payloads/s) of ours, botocore's and fastjsonschema's, best of ``repeat`` alternating runs
    each (so a load spike on a shared machine hits all alike), and our compile time."""
    shape, traits = ours.input, ours.traits
    botocore = ParamValidator()
    start = time.perf_counter()
    validate(shape, batch[0], "strict", traits)  # the first call compiles
    compile_time = time.perf_counter() - start
    schema = fastjsonschema.compile(json_schema(op.input_shape), use_formats=False, use_default=False)
    verdicts = [not validate(shape, p, "strict", traits) for p in batch]
    assert verdicts == [not botocore.validate(p, op.input_shape).has_errors() for p in batch], "verdicts differ"

    def run_schema() -> int:
        valid = 0
        for payload in batch:
            try:
                schema(payload)
                valid += 1
            except fastjsonschema.JsonSchemaValueException:
                pass
        return valid

    runs: dict[str, Callable[[], int]] = {
        "ours": lambda: sum(1 for p in batch if not validate(shape, p, "strict", traits)),
        "botocore": lambda: sum(1 for p in batch if not botocore.validate(p, op.input_shape).has_errors()),
        "fastjsonschema": run_schema,
    }
    assert runs["fastjsonschema"]() == sum(verdicts), "fastjsonschema's verdicts differ"
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, run in runs.items():
            best[name] = min(best[name], seconds(run))
    return {name: len(batch) / time for name, time in best.items()} | {"compile": compile_time}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="payloads per operation")
    parser.add_argument("--invalid", type=float, default=0.2, help="share of the payloads made invalid")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    models = installed_models(sorted({service for service, _ in CALLS}))
    print(f"{'operation':<30} {'payloads':>8} {'invalid':>7} {'ours/s':>8} {'botocore/s':>10} {'ratio':>6}", end="")
    print(f" {'fastjsonschema/s':>16} {'ratio':>6} {'compile':>8} bounds")
    for service, name in CALLS:
        op = ServiceModel(models[service], service_name=service).operation_model(name)
        operation = next(o for o in operations_from_json(models[service], service) if o.api_name == name)
        batch = payloads(op, args.count, args.seed, args.invalid)
        rates = bench(op, operation, batch, args.repeat)
        ours, invalid = rates["ours"], sum(1 for p in batch if validate(operation.input, p, "strict", operation.traits))
        row = f"{service + ' ' + name:<30} {len(batch):>8} {invalid:>7} {ours:>8.0f} {rates['botocore']:>10.0f}"
        schema = rates["fastjsonschema"]
        row += f" {ours / rates['botocore']:>5.1f}x {schema:>16.0f} {ours / schema:>5.2f}x"
        print(f"{row} {rates['compile'] * 1000:>6.1f}ms {len(constraints(operation.traits, 'strict')):>6}")


if __name__ == "__main__":
    main()
