"""Payloads per second: our compiled validator (strict, enums checked) against botocore's ParamValidator.

Same payloads, same model, same run: a few thousand valid payloads generated from the installed
botocore's models of two large create calls (ECS RegisterTaskDefinition, WAFv2 CreateWebACL). Ours
checks the bounds the model's traits overlay knows (min/max, hostLabel), as a baseline's would;
the ``bounds`` column counts the request paths that carry one (0: the source gave no traits).

    python -m benchmarks.check [--count 3000] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import string
import time
from collections.abc import Callable
from typing import Any

from botocore.model import OperationModel, ServiceModel
from botocore.model import Shape as BotoShape
from botocore.validate import ParamValidator

from changelog_tracker.check import validate
from changelog_tracker.check.compile import constraints
from changelog_tracker.model import Operation
from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.sources.wheel import installed_models

CALLS = (("ecs", "RegisterTaskDefinition"), ("wafv2", "CreateWebACL"))
SKIP = object()  # a value that cannot be generated (a recursive shape the page cut)


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
            pairs = {self._text(shape.key): self.value(shape.value, history) for _ in range(self.rng.randint(1, 3))}
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
            "double": lambda: float(low) + self.rng.random() * 100,
            "float": lambda: float(low) + self.rng.random() * 100,
            "boolean": lambda: self.rng.random() < 0.5,
            "timestamp": lambda: dt.datetime(2025, 1, 1) + dt.timedelta(seconds=self.rng.randint(0, 10**7)),
            "blob": lambda: self.rng.randbytes(16),
        }
        return makers[kind]()

    def _size(self, shape: BotoShape, low: int, high: int) -> int:
        least = max(int(shape.metadata.get("min", 0)), low)
        return self.rng.randint(least, max(least, min(high, int(shape.metadata.get("max", high)))))

    def _text(self, shape: BotoShape) -> str:
        return "".join(self.rng.choices(string.ascii_letters, k=self._size(shape, 1, 12)))


def payloads(op: OperationModel, count: int, seed: int) -> list[dict[str, Any]]:
    generator = Generator(seed)
    made = [generator.value(op.input_shape) for _ in range(count)]
    return [p for p in made if p is not SKIP]


def seconds(run: Callable[[], int]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def bench(
    op: OperationModel, ours: Operation, count: int, seed: int, repeat: int = 5
) -> tuple[int, float, float, float]:
    """(payloads, our rate, botocore's rate, our compile time); runs alternate, best of ``repeat`` each."""
    batch, shape, traits = payloads(op, count, seed), ours.input, ours.traits
    botocore = ParamValidator()
    assert all(not botocore.validate(p, op.input_shape).has_errors() for p in batch), "generated an invalid payload"
    compile_time = seconds(lambda: len(validate(shape, batch[0], "strict", traits)))  # the first call compiles
    assert all(not validate(shape, p, "strict", traits) for p in batch), "we reject a payload botocore accepts"

    def run_ours() -> int:
        return sum(1 for p in batch if not validate(shape, p, "strict", traits))

    def run_botocore() -> int:
        return sum(1 for p in batch if not botocore.validate(p, op.input_shape).has_errors())

    best_ours = best_botocore = float("inf")
    for _ in range(repeat):  # alternating, so a load spike on a shared machine hits both sides alike
        best_ours = min(best_ours, seconds(run_ours))
        best_botocore = min(best_botocore, seconds(run_botocore))
    return len(batch), len(batch) / best_ours, len(batch) / best_botocore, compile_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="payloads per operation")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    models = installed_models([service for service, _ in CALLS])
    print(f"{'operation':<32} {'payloads':>8} {'ours/s':>10} {'botocore/s':>11} {'ratio':>6} {'compile':>8} bounds")
    for service, name in CALLS:
        op = ServiceModel(models[service], service_name=service).operation_model(name)
        operation = next(o for o in operations_from_json(models[service], service) if o.api_name == name)
        size, ours, theirs, compiled = bench(op, operation, args.count, args.seed)
        row = f"{service + ' ' + name:<32} {size:>8} {ours:>10.0f} {theirs:>11.0f} {ours / theirs:>5.1f}x"
        print(f"{row} {compiled * 1000:>6.1f}ms {len(constraints(operation.traits, 'strict')):>6}")


if __name__ == "__main__":
    main()
