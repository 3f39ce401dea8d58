"""Stored templates: shipped ones synced from assessment_templates/, organisations' own ones
edited as drafts, published (immutable), copied to new versions and retired."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.audit import service as audit
from app.audit.service import canonical_json
from app.auth.permissions import MANAGE_TEMPLATES, READ_TEMPLATES, ensure
from app.auth.principal import SYSTEM, Principal, PrincipalKind
from app.core.cache import LruCache
from app.core.config import PROJECT_ROOT
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, InvalidState, NotFound, Unprocessable
from app.core.versioning import check_version
from app.organisations import service as organisations
from app.templates import repository as repo
from app.templates.definition import TemplateDefinition, TemplateInvalid
from app.templates.models import AssessmentTemplate, TemplateStatus
from app.templates.validation import dump_yaml, parse_template, read_yaml
from app.templates.vocabulary import without_vocabulary

SHIPPED_DIR = PROJECT_ROOT / "assessment_templates"


def _hash(definition: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(definition).encode()).hexdigest()


_DEFINITIONS: LruCache[tuple[str, str], TemplateDefinition] = LruCache(2048)


def definition_of(template: AssessmentTemplate) -> TemplateDefinition:
    """The typed definition, parsed once per template content (the hash keys the cache)."""
    return _DEFINITIONS.get_or_make(
        (template.id, template.content_hash), lambda: parse_template(template.definition)
    )


def _checked(data: dict[str, Any]) -> TemplateDefinition:
    try:
        return parse_template(data)
    except TemplateInvalid as exc:
        raise Unprocessable(
            "The template is not valid",
            code="invalid_template",
            details=[{"path": i.path, "message": i.message} for i in exc.issues],
        ) from exc


def _from_yaml(text: str) -> dict[str, Any]:
    data, problems = read_yaml(text)
    if problems:
        raise Unprocessable(
            "The YAML cannot be read",
            code="invalid_template",
            details=[{"path": i.path, "message": i.message} for i in problems],
        )
    if not isinstance(data, dict):
        raise Unprocessable("The YAML must be a mapping", code="invalid_template")
    return data


def owners_visible_to(session: Session, principal: Principal) -> frozenset[str]:
    """Shipped templates, the caller's organisations' own, and their regions' shared ones."""
    if principal.kind is PrincipalKind.client and not READ_TEMPLATES.scopes & principal.scopes:
        raise Forbidden("This API client lacks the templates:read scope")
    mine = organisations.organisations_by_ids(session, sorted(principal.organisation_ids))
    regions = {org.parent_id for org in mine if org.parent_id}
    return frozenset({repo.SHIPPED, *principal.organisation_ids, *regions})


def visible_template(
    session: Session, *, principal: Principal, template_id: str
) -> AssessmentTemplate:
    template = repo.get(session, template_id)
    if template is None or (
        template.owner not in owners_visible_to(session, principal) and not principal.is_superuser
    ):
        raise NotFound("Template not found")
    return template


def get_any(session: Session, template_id: str) -> AssessmentTemplate:
    """A template by id, for code that already checked access to what refers to it."""
    template = repo.get(session, template_id)
    if template is None:
        raise NotFound("Template not found")
    return template


# Templates as writes read them, kept per (id, revision, updated_at) as copies that belong to
# no session: every change to a stored template moves its revision (edits, status) or its
# updated_at (a shipped version's new vocabulary), so another worker's change is a new key.
_AT_MARK: LruCache[tuple[str, int, Any], AssessmentTemplate] = LruCache(512)


def at_mark(
    session: Session, template_id: str, revision: int, updated_at: Any
) -> AssessmentTemplate:
    """The template whose stored revision and updated_at the caller read (a read-only copy)."""
    key = (template_id, revision, updated_at)
    found = _AT_MARK.get(key)
    if found is None:
        stored = get_any(session, template_id)
        found = AssessmentTemplate(**stored.model_dump())
        if stored.revision == revision:  # not a newer one read meanwhile
            _AT_MARK.put(key, found)
    return found


def usable(
    session: Session, *, principal: Principal, template_id: str, organisation_id: str, kind: str
) -> AssessmentTemplate:
    """A published template of `kind` that the organisation may use."""
    template = repo.get(session, template_id)
    org = organisations.organisation(session, organisation_id)
    allowed = {repo.SHIPPED, organisation_id, *([org.parent_id] if org and org.parent_id else [])}
    if template is None or template.owner not in allowed:
        raise Unprocessable(
            "Unknown template for this organisation", details={"template_id": template_id}
        )
    if template.kind != kind:
        raise Unprocessable(f"The template is a {template.kind} template, not a {kind} template")
    if template.status is not TemplateStatus.published:
        raise InvalidState(
            f"Only published templates are used; this one is {template.status.value}",
            code="template_not_published",
        )
    del principal
    return template


def list_templates(
    session: Session,
    *,
    principal: Principal,
    kind: str | None,
    status: TemplateStatus | None,
    key: str | None,
) -> Sequence[AssessmentTemplate]:
    return repo.visible(
        session, owners=owners_visible_to(session, principal), kind=kind, status=status, key=key
    )


def create(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    definition: dict[str, Any] | None,
    yaml_text: str | None,
) -> AssessmentTemplate:
    """An organisation's own template, as a draft version (import from JSON or YAML)."""
    organisations.visible_organisation(
        session, principal=principal, organisation_id=organisation_id
    )
    ensure(principal, organisation_id, MANAGE_TEMPLATES, "manage templates")
    data = definition if definition is not None else _from_yaml(yaml_text or "")
    data = {**data, "status": TemplateStatus.draft.value}
    parsed = _checked(data)
    if repo.find(session, owner=organisation_id, key=parsed.key, version=parsed.version):
        raise Conflict(
            "This template version exists; copy it to make a new version",
            details={"key": parsed.key, "version": parsed.version},
        )
    return _store(session, principal, organisation_id, parsed, data, yaml_text)


def _store(
    session: Session,
    principal: Principal,
    owner: str,
    parsed: TemplateDefinition,
    data: dict[str, Any],
    yaml_text: str | None,
) -> AssessmentTemplate:
    template = AssessmentTemplate(
        owner=owner,
        organisation_id=owner or None,
        key=parsed.key,
        version=parsed.version,
        kind=parsed.kind.value,
        status=TemplateStatus(data["status"]),
        name=parsed.name.fi,
        definition=data,
        content_hash=_hash(data),
        source_yaml=yaml_text,
    )
    session.add(template)
    session.flush()
    audit.changed(
        session,
        principal,
        "template.created",
        template,
        organisation_id=owner or None,
        version=template.revision,
        data={"key": template.key, "version": template.version, "hash": template.content_hash},
    )
    return template


def _owned(session: Session, principal: Principal, template_id: str) -> AssessmentTemplate:
    template = visible_template(session, principal=principal, template_id=template_id)
    if not template.owner:
        raise InvalidState(
            "Templates shipped with Ennakko cannot be changed; copy one instead",
            code="template_immutable",
        )
    ensure(principal, template.owner, MANAGE_TEMPLATES, "manage templates")
    return template


def update(
    session: Session,
    *,
    principal: Principal,
    template_id: str,
    expected_revision: int,
    definition: dict[str, Any] | None,
    yaml_text: str | None,
) -> AssessmentTemplate:
    """Edit a draft template; a published version never changes."""
    template = _owned(session, principal, template_id)
    check_version(
        expected=expected_revision, current=template.revision, changed_at=template.updated_at
    )
    if template.status is not TemplateStatus.draft:
        raise InvalidState(
            "Only draft templates can be edited; copy this version to change it",
            code="template_immutable",
        )
    data = definition if definition is not None else _from_yaml(yaml_text or "")
    data = {**data, "key": template.key, "version": template.version, "status": "draft"}
    parsed = _checked(data)
    template.definition, template.content_hash = data, _hash(data)
    template.name, template.source_yaml = parsed.name.fi, yaml_text
    return _touch(session, principal, template, "template.updated")


def _touch(
    session: Session, principal: Principal, template: AssessmentTemplate, action: str
) -> AssessmentTemplate:
    template.revision += 1
    template.updated_at = utcnow()
    session.add(template)
    session.flush()
    audit.changed(
        session,
        principal,
        action,
        template,
        organisation_id=template.owner or None,
        version=template.revision,
        data={
            "key": template.key,
            "version": template.version,
            "status": template.status.value,
            "hash": template.content_hash,
        },
    )
    return template


def set_status(
    session: Session,
    *,
    principal: Principal,
    template_id: str,
    expected_revision: int,
    status: TemplateStatus,
) -> AssessmentTemplate:
    """Publish a draft (it becomes immutable) or retire a published version."""
    template = _owned(session, principal, template_id)
    check_version(
        expected=expected_revision, current=template.revision, changed_at=template.updated_at
    )
    allowed = {
        TemplateStatus.published: TemplateStatus.draft,
        TemplateStatus.retired: TemplateStatus.published,
    }
    if allowed.get(status) is not template.status:
        raise InvalidState(
            f"A {template.status.value} template cannot become {status.value}",
            code="template_status",
        )
    template.definition = {**template.definition, "status": status.value}
    template.content_hash = _hash(template.definition)
    template.status = status
    return _touch(session, principal, template, f"template.{status.value}")


def copy(
    session: Session, *, principal: Principal, template_id: str, organisation_id: str
) -> AssessmentTemplate:
    """A new draft version (of the organisation's own template, or of a shipped/regional one)."""
    source = visible_template(session, principal=principal, template_id=template_id)
    organisations.visible_organisation(
        session, principal=principal, organisation_id=organisation_id
    )
    ensure(principal, organisation_id, MANAGE_TEMPLATES, "manage templates")
    version = (
        max(repo.latest_version(session, owner=organisation_id, key=source.key), source.version) + 1
    )
    data = {**source.definition, "version": version, "status": TemplateStatus.draft.value}
    return _store(session, principal, organisation_id, _checked(data), data, None)


def export_yaml(template: AssessmentTemplate) -> str:
    return template.source_yaml or dump_yaml(template.definition)


def sync_shipped(session: Session, directory: Path = SHIPPED_DIR) -> list[str]:
    """Load the shipped YAML templates; an existing version must be unchanged."""
    loaded = []
    for path in sorted(directory.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        data = _from_yaml(text)
        parsed = _checked(data)
        existing = repo.find(session, owner=repo.SHIPPED, key=parsed.key, version=parsed.version)
        if existing is not None:
            if existing.content_hash != _hash(data) and _vocabulary_only(existing, data):
                _update_vocabulary(session, existing, data, text)
                loaded.append(f"{parsed.key}@{parsed.version} (vocabulary)")
            elif existing.content_hash != _hash(data):
                raise Conflict(
                    f"{path.name}: published template {parsed.key} v{parsed.version} "
                    "changed; give the change a new version number"
                )
            continue
        _store(session, SYSTEM, repo.SHIPPED, parsed, data, text)
        loaded.append(f"{parsed.key}@{parsed.version}")
    return loaded


def _vocabulary_only(existing: AssessmentTemplate, data: dict[str, Any]) -> bool:
    """Whether the stored version and `data` differ only in their `canonical:` mappings."""
    return _hash(without_vocabulary(existing.definition)) == _hash(without_vocabulary(data))


def _update_vocabulary(
    session: Session, template: AssessmentTemplate, data: dict[str, Any], text: str
) -> None:
    """Take new reporting mappings into a published version: no cell depends on them."""
    template.definition, template.content_hash, template.source_yaml = data, _hash(data), text
    template.updated_at = utcnow()
    session.add(template)
    session.flush()
    audit.record(
        session,
        actor=SYSTEM,
        action="template.vocabulary_updated",
        entity_type="template",
        entity_id=template.id,
        organisation_id=None,
        version=template.revision,
        data={"key": template.key, "version": template.version, "hash": template.content_hash},
    )


def published_matrices(session: Session, organisation_id: str) -> list[AssessmentTemplate]:
    """Published matrix templates an organisation may use: shipped, its own, its region's."""
    org = organisations.organisation(session, organisation_id)
    owners = frozenset(
        {repo.SHIPPED, organisation_id, *([org.parent_id] if org and org.parent_id else [])}
    )
    return list(
        repo.visible(session, owners=owners, kind="matrix", status=TemplateStatus.published)
    )


def shipped_template(session: Session, key: str, version: int = 1) -> AssessmentTemplate | None:
    """A template shipped in assessment_templates/, by key and version."""
    return repo.find(session, owner=repo.SHIPPED, key=key, version=version)
