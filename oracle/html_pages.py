"""Build real HTML doc pages from botocore models, offline: the test oracle for the HTML reader.

Two kinds of page, each made the way its site makes it:

* **boto3 reference pages** (one per client method): the reStructuredText boto3's
  ``ClientDocumenter._add_client_method`` writes (breadcrumb, title, ``.. py:method::`` with
  ``document_model_driven_method``, example prefix ``response = client.<method>``, the
  Exceptions list), built by Sphinx with the furo theme and botocore's ``BotoHTML5Translator``,
  as boto3's docs/source/conf.py does. The event emitter is a bare one, so the page documents
  the model itself (a real client's emitter applies customizations, e.g. s3 hides parameters).
* **API change-feed pages** (awsapichanges.info, one per service and release): each method is
  ``ClientMethodDocstring`` rendered by docutils' html5_polyglot writer (``publish_parts`` ->
  ``fragment``), placed in ``<details id="OperationName">`` with the feed's summary, change
  line and pprint-ed deltas, inside a page with the feed's head (scripts included), header
  paragraph and release-note line.

    python -m oracle.html_pages --service lambda --out /tmp/pages
    python -m oracle.html_pages -s bedrock-agentcore-control --kind feed --date 2026-03-10 \
        --old-model tests/data/models/bedrock-agentcore-control/1.42.64.json.gz --out /tmp/pages

Models come from the installed botocore (``--old-model``: an older service-2.json, maybe gzipped,
for a feed page of the updated methods). boto3 pages land under ``OUT/boto3/<service>/html/``,
feed pages in ``OUT/feed/``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import io
import json
import pprint
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click
import docutils.core
import jinja2
from botocore import xform_name
from botocore.docs.bcdoc.restdoc import DocumentStructure
from botocore.docs.method import document_model_driven_method
from botocore.hooks import HierarchicalEmitter
from botocore.model import OperationModel, ServiceModel
from botocore.utils import get_service_module_name
from docutils.writers.html5_polyglot import HTMLTranslator, Writer

from changelog_tracker.sources import wheel
from oracle import pagegen

# ---------------------------------------------------------------- boto3 reference pages (Sphinx + furo)

UNION_NOTE = "This is a Tagged Union structure."  # botocore's note on a tagged union with documentation
_CUT = re.compile(r"\*\*([A-Za-z ]+)\*\*\s*::\s*# This section is too large to render\.")

_CONF = """\
project = "Boto3"
html_theme = "furo"
html_show_sourcelink = False
pygments_style = "default"
suppress_warnings = ["toc.not_included", "ref.doc", "ref.ref", "ref.class"]


def setup(app):
    import sphinx
    from botocore.docs.translator import BotoHTML5Translator

    class Translator(BotoHTML5Translator):
        # botocore's admonition override predates Sphinx 8, whose depart_admonition pops a
        # closing tag from the context stack: push the one botocore's visit opened.
        def visit_admonition(self, node, name=""):
            super().visit_admonition(node, name)
            if sphinx.version_info >= (8,):
                self.context.append("</div>\\n")

    app.set_translator("html", Translator)
    # No search index: a tenth of the build, and nothing on the method pages.
    app.connect("builder-inited", lambda app: setattr(app.builder, "search", False))
"""


def class_name(service: ServiceModel) -> str:
    """The client class name boto3 gives a service (``BedrockAgentCoreControl``)."""
    return str(get_service_module_name(service))


def boto3_method_rst(service: ServiceModel, operation: str) -> str:
    """The reStructuredText of one boto3 reference page, as boto3's client documenter writes it."""
    op = service.operation_model(operation)
    method = xform_name(operation)
    klass = class_name(service)
    doc = DocumentStructure(method, target="html")
    doc.add_new_section("breadcrumb").style.ref(klass, f"../../{service.service_name}")  # type: ignore[attr-defined, unused-ignore]  # stubs omit ReSTDocument.style
    doc.get_section("breadcrumb").write(f" / Client / {method}")
    doc.add_title_section(method)
    section = doc.add_new_section(method, context={"qualifier": f"{klass}.Client."})
    document_model_driven_method(
        section,
        f"{klass}.Client.{method}",
        op,
        event_emitter=HierarchicalEmitter(),
        method_description=op.documentation,
        example_prefix=f"response = client.{method}",
    )
    if op.error_shapes:
        style = section.add_new_section("exceptions").style  # type: ignore[attr-defined, unused-ignore]  # stubs omit ReSTDocument.style
        style.new_line()
        style.bold("Exceptions")
        style.new_line()
        for error in op.error_shapes:
            style.li(f":py:class:`{klass}.Client.exceptions.{error.name}`")
    return bytes(doc.flush_structure()).decode("utf-8")


def other_page_sources(service_name: str) -> dict[str, str]:
    """boto3's reference pages of a service that are no API operation, as {path in the service's
    folder without suffix: rst}: the client's other methods (``client/can_paginate``, ``close``,
    ``get_paginator``, ``get_waiter``, ``generate_presigned_url``...) by botocore's own
    ``ClientDocumenter``, and the paginators and waiters (``paginator/ListObjects``,
    ``waiter/BucketExists``) by its ``PaginatorDocumenter`` and ``WaiterDocumenter``, for a real
    client of the installed botocore (made offline: no request is sent)."""
    import botocore.session
    from botocore.docs.client import ClientDocumenter
    from botocore.docs.method import get_instance_public_methods
    from botocore.docs.paginator import PaginatorDocumenter
    from botocore.docs.waiter import WaiterDocumenter
    from botocore.exceptions import UnknownServiceError

    session = botocore.session.get_session()
    client = session.create_client(
        service_name, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    sources = {}

    def add(key: str, write: Callable[[DocumentStructure], None]) -> None:
        doc = DocumentStructure(key.rsplit("/", 1)[-1], target="html")
        write(doc)
        sources[key] = bytes(doc.flush_structure()).decode("utf-8")

    documenter = ClientDocumenter(client, root_docs_path="unused")
    for name, method in sorted(get_instance_public_methods(client).items()):
        if documenter._is_custom_method(name):  # type: ignore[attr-defined, unused-ignore]  # botocore internal
            add(f"client/{name}", lambda doc, n=name, m=method: documenter._add_client_method(doc, n, m))  # type: ignore[misc, attr-defined, unused-ignore]  # botocore internal

    def add_all(kind: str, names: Iterable[str], write_one: Callable[[DocumentStructure, str], None]) -> None:
        for name in sorted(names):
            add(f"{kind}/{name}", lambda doc, n=name: write_one(doc, n))  # type: ignore[misc]

    try:
        paginators = session.get_paginator_model(service_name)
    except UnknownServiceError:
        pass  # the service has none
    else:
        pages = PaginatorDocumenter(client, paginators, "unused")  # type: ignore[arg-type, unused-ignore]  # stubs: it takes the PaginatorModel
        add_all("paginator", paginators._paginator_config, pages._add_paginator)  # type: ignore[attr-defined, unused-ignore]  # botocore internals
    try:
        waiters = session.get_waiter_model(service_name)
    except UnknownServiceError:
        pass  # the service has none
    else:
        add_all("waiter", waiters.waiter_names, WaiterDocumenter(client, waiters, "unused")._add_single_waiter)  # type: ignore[attr-defined, unused-ignore]  # botocore internal
    return sources


def boto3_source(out_dir: Path, service_name: str, operation: str) -> Path:
    """Where :func:`boto3_reference_pages` writes the reStructuredText of a method's page."""
    return out_dir / "src" / "reference" / "services" / service_name / "client" / f"{xform_name(operation)}.rst"


def boto3_page_path(out_dir: Path, service_name: str, operation: str) -> Path:
    """Where :func:`boto3_reference_pages` writes a method's page (operation: API or method name)."""
    return out_dir / "html" / "reference" / "services" / service_name / "client" / f"{xform_name(operation)}.html"


def write_boto3_sources(
    model_json: Mapping[str, Any],
    service_name: str,
    operations: Iterable[str],
    out_dir: Path,
    others: Mapping[str, str] | None = None,
) -> None:
    """A Sphinx source tree in ``out_dir/src`` laid out like boto3's docs, one .rst per method
    (``others``: more pages, as :func:`other_page_sources` gives them)."""
    service = ServiceModel(dict(model_json), service_name=service_name)
    src = out_dir / "src"
    boto3_source(out_dir, service_name, "x").parent.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(_CONF, encoding="utf-8")
    (src / "index.rst").write_text("Boto3\n=====\n\n.. toctree::\n   :glob:\n\n   reference/services/*\n")
    klass = class_name(service)
    # boto3 removes the method pages from the toctrees (sphinx_remove_toctrees): the build is
    # much faster, and the pages are the same apart from the sidebar.
    (src / "reference" / "services" / f"{service_name}.rst").write_text(
        f"{klass}\n{'=' * len(klass)}\n\nThe client's methods are under ``{service_name}/client/``.\n", encoding="utf-8"
    )
    for operation in operations:
        text = boto3_method_rst(service, operation)
        boto3_source(out_dir, service_name, operation).write_text(text, encoding="utf-8")
    for key, text in (others or {}).items():
        path = src / "reference" / "services" / service_name / f"{key}.rst"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def boto3_reference_pages(
    model_json: Mapping[str, Any],
    service_name: str,
    operations: Sequence[str] | None,
    out_dir: Path,
    jobs: int = 1,
    others: bool = False,
) -> dict[str, Path]:
    """Build the boto3 reference pages of ``operations`` (all by default) with Sphinx + furo,
    and with ``others`` the service's pages that are no API operation (:func:`other_page_sources`).

    Returns ``{OperationName or other page's key: page}``; pages land in ``out_dir/html/reference/services/...``.
    """
    from sphinx.application import Sphinx  # heavy: only when building

    service = ServiceModel(dict(model_json), service_name=service_name)
    names = list(service.operation_names if operations is None else operations)
    extra = other_page_sources(service_name) if others else {}
    write_boto3_sources(model_json, service_name, names, out_dir, extra)
    src = out_dir / "src"
    app = Sphinx(
        str(src), str(src), str(out_dir / "html"), str(out_dir / "doctrees"), "html",
        status=None, warning=io.StringIO(), freshenv=True, parallel=jobs,
    )  # fmt: skip
    app.build()
    pages = {name: boto3_page_path(out_dir, service_name, name) for name in names}
    services = out_dir / "html" / "reference" / "services" / service_name
    return pages | {key: services / f"{key}.html" for key in extra}


def boto3_reference_page(model_json: Mapping[str, Any], service_name: str, operation: str, out_dir: Path) -> Path:
    """One boto3 reference page (see :func:`boto3_reference_pages`)."""
    return boto3_reference_pages(model_json, service_name, [operation], out_dir)[operation]


# ---------------------------------------------------------------- change-feed pages (docutils)

_FEED_TEMPLATE = """\
<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>AWS API Changes</title>
    <!-- Analytics -->
    <script async src="https://www.googletagmanager.com/gtag/js?id=UA-0000000-0"></script>
    <script>
      window.dataLayer = window.dataLayer || [];
      function gtag(){dataLayer.push(arguments);}
      gtag('js', new Date());
    </script>
    <link rel="stylesheet" href="/css/bulma.min.css"/>
    <link rel="stylesheet" href="/css/docutils.css"/>
    <script type="text/javascript">
      function focusPermaLinks() {
         if (!(window.location.hash)) { return null; }
         var methodDoc = document.getElementById(window.location.hash.substring(1));
         methodDoc.open = true;
      }
      window.onload = focusPermaLinks
    </script>
  </head>
  <body>
    <section style="padding-bottom: 1em" class="section">
      <div class="container">
        <h1 class="title has-text-centered">
          <span class="is-inline-block">&nbsp;</span> &nbsp; {{ title }}
        </h1>
      </div>
    </section>
    <nav class="breadcrumb is-left" style="padding-left: 3em;" aria-label="breadcrumbs">
      <ul>
        <li><a href="/">API Changes</a></li>
        <li><a href="/archive/service">Services</a></li>
        <li><a href="/archive/service/{{ name }}">{{ title }}</a>
        <li class="is-active"><a href="#" aria-current="page">{{ day.strftime('%Y-%m-%d') }}</a></li>
      </ul>
    </nav>
<section class="section" style="padding-top: 1em">
  <div class="tile is-ancestor">
    <div class="tile is-12 is-vertical is-parent">
      <div class="tile is-child box">
\t<p class="title is-5">
\t    {{ day.strftime('%Y/%m/%d') }}
\t    - {{ title }} -
\t    {% if added %}{{ added|length }} new {% endif %}
\t    {% if changes %}{{ changes|length }} updated {% endif %}
\t    api methods
\t</p>
  {% if note %}
  <p style="margin-bottom: 0.5em">
    <span class="tag is-danger">Changes</span>&nbsp;
    {{ note }}</p>
  {% endif %}
  {% for op_name in added %}
  <details id="{{ op_name }}">
    <summary><span class="has-text-success">{{ op_name }}</span>&nbsp;(new)</summary>
    <span><a href="#{{ op_name }}">Link ¶</a></span>
    {{ render(op_name) }}
  </details>
  {% endfor %}
  {% for op_name, delta in changes.items() %}
  <details id="{{ op_name }}">
    <summary><span class="has-text-info">{{ op_name }}</span>&nbsp;(updated)</summary>
    <span><a href="#{{ op_name }}">Link ¶</a></span><br/>
    <span><em class="is-danger">Changes</em> ({{ delta|join(', ') }})</span>
    {% if delta|length == 2 %}<br/>
    Request <pre>{{ pretty(delta['request']) }}</pre>
    Response <pre>{{ pretty(delta['response']) }}</pre>
    {% else %}
    <pre>{{ pretty(delta.values()|first) }}</pre>
    {% endif %}
    {{ render(op_name) }}
  </details>
  {% endfor %}
      </div>
    </div>
  </div>
</section>
    <footer class="footer"><div class="content has-text-centered"><p><strong>AWS API Changes</strong></p></div></footer>
  </body>
</html>
"""


def feed_method_html(operation: OperationModel) -> str:
    """One method as the feed renders it: botocore's docstring through docutils' HTML5 writer."""
    writer = Writer()
    writer.translator_class = HTMLTranslator
    parts = docutils.core.publish_parts(
        pagegen.method_rst(operation), settings_overrides={"report_level": 4}, writer=writer
    )
    return str(parts["fragment"])


def _pretty(value: Any) -> str:
    # The feed's template pipes deltas through jinja's ``pprint`` (plain pprint.pformat), unescaped.
    return html.escape(pprint.pformat(value), quote=False)


def feed_page_html(
    model_json: Mapping[str, Any],
    service_name: str,
    day: dt.date,
    old_model: Mapping[str, Any] | None = None,
    release_note: str | None = None,
    operations: Sequence[str] | None = None,
) -> str | None:
    """A feed page: methods new since ``old_model`` (every one without it) and updated ones.

    ``operations`` limits the page to those operations. None when nothing changed.
    """
    new = ServiceModel(dict(model_json), service_name=service_name)
    old = ServiceModel(dict(old_model), service_name=service_name) if old_model else None
    keep = set(new.operation_names if operations is None else operations)
    known = set(old.operation_names) if old else set()
    added = [name for name in new.operation_names if name not in known and name in keep]
    deltas = pagegen.method_deltas(old, new) if old else {}
    changes = {name: delta for name, delta in deltas.items() if name in keep}
    if not added and not changes:
        return None
    template = jinja2.Environment(lstrip_blocks=True, trim_blocks=True, autoescape=False).from_string(_FEED_TEMPLATE)
    return template.render(
        title=new.metadata.get("serviceFullName", service_name),
        name=service_name,
        day=day,
        note=html.escape(release_note) if release_note else None,
        added=added,
        changes=changes,
        pretty=_pretty,
        render=lambda name: feed_method_html(new.operation_model(name)),
    )


def feed_page(
    model_json: Mapping[str, Any],
    service_name: str,
    day: dt.date,
    out_dir: Path,
    old_model: Mapping[str, Any] | None = None,
    release_note: str | None = None,
    operations: Sequence[str] | None = None,
) -> Path | None:
    """Write :func:`feed_page_html` to ``out_dir/<date>_<service>.html``; None when nothing changed."""
    page = feed_page_html(model_json, service_name, day, old_model, release_note, operations)
    if page is None:
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{day.isoformat()}_{service_name}.html"
    path.write_text(page, encoding="utf-8")
    return path


# ---------------------------------------------------------------- command line


def installed_model(service_name: str) -> dict[str, Any]:
    """The installed botocore's service-2.json of a service (as shipped, no sdk-extras merged)."""
    return wheel.installed_models([service_name])[service_name]


def _load(path: Path) -> dict[str, Any]:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    model: dict[str, Any] = json.loads(raw)
    return model


def cut_sections(rst: str) -> set[str]:
    """The sections botocore cut from a method's reStructuredText as too large to render
    ("Request Syntax", "Parameters", "Response Syntax", "Response Structure")."""
    return set(_CUT.findall(rst))


@click.command(help=textwrap.dedent(__doc__ or "").split("\n\n")[0])
@click.option("-s", "--service", "services", multiple=True, required=True, help="boto3 service name (repeatable).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("-o", "--operation", "operations", multiple=True, help="Only these operations (API names).")
@click.option("--date", "day", default=dt.date.today().isoformat(), show_default=True, help="Feed page date.")
@click.option(
    "--old-model", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Older model (.json[.gz])."
)
@click.option("--note", default=None, help="Release note line of the feed page.")
@click.option("--kind", type=click.Choice(["both", "feed", "boto3"]), default="both", show_default=True)
def main(
    services: tuple[str, ...],
    out: Path,
    operations: tuple[str, ...],
    day: str,
    old_model: Path | None,
    note: str | None,
    kind: str,
) -> None:
    old = _load(old_model) if old_model else None
    for service_name in services:
        model = installed_model(service_name)
        chosen = list(operations) or None
        if kind in ("both", "feed"):
            page = feed_page(model, service_name, dt.date.fromisoformat(day), out / "feed", old, note, chosen)
            click.echo(f"feed page: {page}")
        if kind in ("both", "boto3"):
            pages = boto3_reference_pages(model, service_name, chosen, out / "boto3" / service_name)
            click.echo(f"{len(pages)} boto3 reference pages under {out / 'boto3' / service_name / 'html'}")


if __name__ == "__main__":
    main()
