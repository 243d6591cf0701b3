"""Write changelog_tracker/service_names.json: every full name (and boto3 name) -> boto3 name (a
list where services of one release share a full name),
from the installed botocore and any botocore wheels given, newest last so current names win.

    python -m scripts.service_names [WHEEL ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from changelog_tracker.sources.botocore import full_name
from changelog_tracker.sources.wheel import installed_models, wheel_models

OUT = Path(__file__).resolve().parents[1] / "changelog_tracker" / "service_names.json"


def main(wheels: list[str]) -> None:
    names: dict[str, str | list[str]] = json.loads(OUT.read_text()) if OUT.exists() else {}
    for models in [*(wheel_models(Path(w)) for w in sorted(wheels)), installed_models()]:
        sharing: dict[str, list[str]] = {}
        for service, model in sorted(models.items()):
            names[service] = service
            if full_name(model):
                sharing.setdefault(full_name(model), []).append(service)
        # A full name several services of one release share names none of them (ses and sesv2).
        names.update((name, services[0] if len(services) == 1 else services) for name, services in sharing.items())
    OUT.write_text(json.dumps(dict(sorted(names.items())), indent=0) + "\n")
    print(f"{len(names)} names -> {OUT}")

if __name__ == "__main__":
    main(sys.argv[1:])
