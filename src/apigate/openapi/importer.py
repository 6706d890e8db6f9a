"""Build everything an import writes -- before anything is written.

``plan_import`` reads the document and returns an ``ImportPlan``: the RestApi and the complete set
of its resources (methods, integrations and responses inside), models, authorizers, request
validators, gateway responses and documentation parts as they must be after the import. Errors (and
warnings under ``failonwarnings``) raise before a plan exists, so a failed import changes nothing;
``apply.write_plan`` then replaces the API's documents in one transaction.

Modes: ``import`` (ImportRestApi: a new API), ``overwrite`` (PutRestApi: the document replaces the
API's definition; its id, stages, deployments and tags stay) and ``merge`` (PutRestApi: the
document's resources, methods, models, ... are added to the API's or replace those of the same
path / verb / name). Paths, models, authorizers and validators that exist already keep their ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apigate import ids
from apigate.control.api_children import stamp
from apigate.control.documentation_parts import location_key
from apigate.control.errors import BadRequestException
from apigate.control.registry import ControlContext, Params
from apigate.control.restapis import ENDPOINT_TYPES, new_rest_api
from apigate.openapi import extensions
from apigate.openapi.issues import ImportIssues
from apigate.openapi.load import load_document, spec_version
from apigate.openapi.models import build_models, model_names
from apigate.openapi.operations import MethodContext, build_method
from apigate.openapi.security import Security
from apigate.openapi.spec import Spec, open_spec
from apigate.openapi.tree import BASEPATH_MODES, Tree, base_segments

PUT_MODES = ("merge", "overwrite")
# RestApi members a document can set (CreateRestApi's names).
_DOCUMENT_MEMBERS = ("description", "version", "apiKeySource", "binaryMediaTypes", "minimumCompressionSize",
                     "policy", "disableExecuteApiEndpoint")
# Members of an existing RestApi that PutRestApi keeps whatever the document says.
_KEPT_MEMBERS = ("securityPolicy", "endpointAccessMode", "tags")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    mode: str = "import"  # import | overwrite | merge
    fail_on_warnings: bool = False
    basepath: str = "ignore"
    endpoint_types: tuple[str, ...] | None = None
    ignore_documentation: bool = False

    @classmethod
    def from_params(cls, params: Params, mode: str) -> ImportOptions:
        """The operation's ``mode``, ``failonwarnings`` and ``parameters`` map, checked."""
        extra = {str(k).lower(): str(v) for k, v in (params.get("parameters") or {}).items()}
        basepath = extra.get("basepath", "ignore").lower() or "ignore"
        if basepath not in BASEPATH_MODES:
            raise BadRequestException(
                f"Invalid basepath parameter: {basepath}. Valid options are ignore,prepend,split"
            )
        types = None
        if extra.get("endpointconfigurationtypes"):
            types = tuple(t.strip().upper() for t in extra["endpointconfigurationtypes"].split(","))
            if any(t not in ENDPOINT_TYPES for t in types):
                raise BadRequestException(
                    "Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE"
                )
        ignored = {part.strip().lower() for part in extra.get("ignore", "").split(",")}
        return cls(mode, bool(params.get("failOnWarnings")), basepath, types, "documentation" in ignored)


@dataclass(slots=True)
class Existing:
    """An API's current documents (PutRestApi)."""

    rest_api: dict[str, Any]
    resources: list[dict[str, Any]] = field(default_factory=list)
    models: list[dict[str, Any]] = field(default_factory=list)
    authorizers: list[dict[str, Any]] = field(default_factory=list)
    validators: list[dict[str, Any]] = field(default_factory=list)
    gateway_responses: list[dict[str, Any]] = field(default_factory=list)
    documentation_parts: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class ImportPlan:
    rest_api: dict[str, Any]
    resources: list[dict[str, Any]]
    models: list[dict[str, Any]]
    authorizers: list[dict[str, Any]]
    validators: list[dict[str, Any]]
    gateway_responses: list[dict[str, Any]]
    documentation_parts: list[dict[str, Any]]
    warnings: list[str]


def plan_import(
    ctx: ControlContext, body: bytes, options: ImportOptions, api_id: str, existing: Existing | None = None
) -> ImportPlan:
    doc = load_document(body)
    issues = ImportIssues()
    spec = open_spec(doc, spec_version(doc) or 3, issues)
    merge = options.mode == "merge" and existing is not None
    old = existing or Existing(rest_api={})

    names = model_names(spec, issues)
    model_ids = _ids_by_name(old.models, names.values())
    models = _merged(old.models if merge else [], build_models(spec, names, api_id, model_ids, issues))
    security = Security(spec, _ids_by_name(old.authorizers, map(str, spec.security_schemes())), issues)
    validators = _merged(
        old.validators if merge else [],
        extensions.request_validators(spec, _ids_by_name(old.validators, extensions.validator_names(spec))),
    )
    default_validator = spec.extension("request-validator")
    context = MethodContext(
        spec, issues, security, names, {v["name"]: v["id"] for v in validators if "name" in v},
        str(default_validator) if default_validator else None,
    )
    tree = _tree(old, merge)
    _add_methods(spec, tree, base_segments(spec.base_path(), options.basepath), context)
    gateway_responses = _gateway_responses(spec, issues, old, merge)
    documentation_parts = _documentation(spec, issues, old, merge, options)
    rest_api: dict[str, Any] = {}
    with issues.unable("Unable to create the RestApi"):
        rest_api = _rest_api(ctx, spec, issues, options, api_id, tree.root.doc["id"], old.rest_api, merge)
    issues.check(options.fail_on_warnings)  # nothing is returned, so nothing is written, past a failure
    return ImportPlan(
        rest_api=rest_api,
        resources=[node.doc for node in tree.nodes()],
        models=models,
        authorizers=_stamped(
            _merged(old.authorizers if merge else [], security.authorizers), old.authorizers
        ),
        validators=_stamped(validators, old.validators),
        gateway_responses=gateway_responses,
        documentation_parts=documentation_parts,
        warnings=list(issues.warnings),
    )


def _add_methods(spec: Spec, tree: Tree, prefix: list[str], context: MethodContext) -> None:
    """Every operation of the document as a method of its resource (created as needed)."""
    for op in spec.operations():
        node = tree.resource(prefix + [part for part in op.path.split("/") if part], context.issues)
        if node is None:
            continue
        method = build_method(op, node.doc, context)
        if method is not None:
            node.doc["resourceMethods"] = {**node.doc.get("resourceMethods", {}), op.verb: method}


def _tree(old: Existing, merge: bool) -> Tree:
    if not old.rest_api:  # ImportRestApi: a new root
        return Tree(ids.short_id(10), {}, set())
    root_id = old.rest_api["rootResourceId"]
    if merge:
        return Tree.from_resources(old.resources, root_id, {r["id"] for r in old.resources})
    return Tree(root_id, {r["path"]: r["id"] for r in old.resources if "path" in r}, set())


def _ids_by_name(docs: list[dict[str, Any]], names: Any) -> dict[str, str]:
    """Each name its existing document's id, or a new one."""
    known = {d["name"]: d["id"] for d in docs if "name" in d and "id" in d}
    used = set(known.values())
    found: dict[str, str] = {}
    for name in names:
        if name in known:
            found[name] = known[name]
            continue
        new = ids.short_id(6)
        while new in used:
            new = ids.short_id(6)
        used.add(new)
        found[name] = new
    return found


def _merged(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``old`` with the documents of ``new`` replacing those of the same name, then the rest of ``new``."""
    by_name = {d.get("name"): d for d in new}
    kept = [by_name.pop(d.get("name"), d) for d in old]
    return kept + [d for d in new if d.get("name") in by_name]


def _stamped(docs: list[dict[str, Any]], old: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Creation order (``_seq``, as the handlers record it): existing documents keep theirs."""
    seq = {d["id"]: d["_seq"] for d in old if "_seq" in d}
    out = []
    for index, doc in enumerate(docs):
        doc = stamp(dict(doc))
        doc["_seq"] = seq.get(doc["id"], doc["_seq"] + index)
        out.append(doc)
    return out


def _gateway_responses(spec: Spec, issues: ImportIssues, old: Existing, merge: bool) -> list[dict[str, Any]]:
    responses = {d["responseType"]: d for d in old.gateway_responses} if merge else {}
    responses.update({d["responseType"]: d for d in extensions.gateway_responses(spec, issues)})
    return list(responses.values())


def _documentation(
    spec: Spec, issues: ImportIssues, old: Existing, merge: bool, options: ImportOptions
) -> list[dict[str, Any]]:
    parts = {location_key(d["location"]): d for d in old.documentation_parts} if merge else {}
    if not options.ignore_documentation:
        used = {d["id"] for d in old.documentation_parts}
        for part in extensions.documentation_parts(spec, issues):
            key = location_key(part["location"])
            if key in parts:
                parts[key] = {**parts[key], "properties": part["properties"]}
                continue
            part_id = ids.short_id(6)
            while part_id in used:
                part_id = ids.short_id(6)
            used.add(part_id)
            parts[key] = {"id": part_id, **part}
    return _stamped(list(parts.values()), old.documentation_parts)


def _rest_api(
    ctx: ControlContext,
    spec: Spec,
    issues: ImportIssues,
    options: ImportOptions,
    api_id: str,
    root_id: str,
    old: dict[str, Any],
    merge: bool,
) -> dict[str, Any]:
    """The RestApi document (CreateRestApi's builder and checks), kept members restored."""
    given = extensions.rest_api_params(spec, issues)
    config: dict[str, Any] = dict(old.get("endpointConfiguration") or {})
    if options.endpoint_types is not None:
        config["types"] = list(options.endpoint_types)
    if "vpcEndpointIds" in given:
        config["vpcEndpointIds"] = given.pop("vpcEndpointIds")
    params: dict[str, Any] = {}
    if old:
        params = {"name": old["name"], **{m: old[m] for m in _KEPT_MEMBERS if m in old}}
        if "disableExecuteApiEndpoint" in old:
            params["disableExecuteApiEndpoint"] = old["disableExecuteApiEndpoint"]
        if merge:
            params.update({m: old[m] for m in _DOCUMENT_MEMBERS if m in old})
    merged_types = list(params.get("binaryMediaTypes") or []) + list(given.get("binaryMediaTypes") or [])
    params.update(given)
    if merge and merged_types:
        params["binaryMediaTypes"] = merged_types  # merge: the API's types, then the document's new ones
    if not params.get("name"):
        raise BadRequestException("the document has no info.title to name the API")
    params["endpointConfiguration"] = config or None
    doc = new_rest_api(ctx, params, api_id, root_id)
    if old:
        doc["createdDate"] = old.get("createdDate", doc["createdDate"])
    return doc
