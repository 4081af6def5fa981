"""The feed checks' results, with reasons, from their counts (and the manifest's documents)."""

from __future__ import annotations

from sendflow.definitions.model import Evidence
from sendflow.localoffer.checks import Ids, ServiceChecks
from sendflow.localoffer.manifest import Manifest
from sendflow.localoffer.model import Severity
from sendflow.localoffer.problems import ProblemSink
from sendflow.localoffer.results import CheckResult, Coverage, Finding, Status, TopicResult
from sendflow.localoffer.topics import Catalogue, Group, Item
from sendflow.localoffer.words import day, plural

__all__ = ["feed_checks", "score", "topic_results"]

P, S, U, OFF = Evidence.PRIMARY, Evidence.SECONDARY, Evidence.UNCONFIRMED, Evidence.OFFICIAL


def _found(text: str, ids: Ids) -> Finding:
    return Finding(text, ids.count, tuple(ids.ids))


def _share(part: int, whole: int) -> str:
    return f"{part:,} of {whole:,} ({100 * part / whole:.0f}%)" if whole else f"{part:,}"


def topic_results(
    catalogue: Catalogue, counts: ServiceChecks, manifest: Manifest | None
) -> list[TopicResult]:
    """How each Schedule 2 topic is covered: by the feed's services, or the manifest's documents."""
    results = []
    for item in catalogue.group(Group.TOPIC):
        head = (item.slug, item.title, item.citation.provision, item.citation.evidence)
        if item.document is None:
            ids, keyword = counts.by_slug[item.slug], counts.keyword_only[item.slug]
            coverage = (
                Coverage.MISSING
                if ids.count == 0
                else Coverage.KEYWORD_ONLY
                if keyword.count == ids.count
                else Coverage.COVERED
            )
            results.append(TopicResult(*head, "feed", coverage, ids.count, tuple(ids.ids)))
            continue
        doc = manifest.documents.get(item.document) if manifest else None
        if doc is not None and doc.date <= counts.as_of:
            results.append(
                TopicResult(
                    *head, "manifest", Coverage.COVERED, 1, (doc.url,), f"dated {day(doc.date)}"
                )
            )
            continue
        note = (
            "no manifest given"
            if manifest is None
            else "not in the manifest"
            if doc is None
            else f"dated {day(doc.date)}, after the as-of date"
        )
        results.append(TopicResult(*head, "manifest", Coverage.MISSING, note=note))
    return results


def score(topics: list[TopicResult]) -> float:
    """The coverage score: a topic covered counts 1, covered only by keyword 0.5, out of 100."""
    credit = {Coverage.COVERED: 1.0, Coverage.KEYWORD_ONLY: 0.5, Coverage.MISSING: 0.0}
    return round(100 * sum(credit[t.coverage] for t in topics) / len(topics), 1) if topics else 0.0


def feed_checks(
    catalogue: Catalogue,
    counts: ServiceChecks,
    sink: ProblemSink,
    topics: list[TopicResult],
    version: str,
) -> list[CheckResult]:
    """Checks 1 to 10."""
    return [
        _conformance(sink, version),
        _coverage(topics),
        _providers(catalogue, counts),
        _out_of_area(counts),
        _ages(counts),
        _access(counts, version),
        _freshness(counts),
        _cost(counts),
        _venues(counts),
        _named(catalogue, counts),
    ]


def _conformance(sink: ProblemSink, version: str) -> CheckResult:
    errors, warnings = sink.total(Severity.ERROR), sink.total(Severity.WARNING)
    kinds = sorted({t for t, _ in sink.counts})
    findings = tuple(
        Finding(
            f"{t}: {plural(sink.counts[t, Severity.ERROR], 'error')}, "
            f"{plural(sink.counts[t, Severity.WARNING], 'warning')}"
        )
        for t in kinds
    )
    status = Status.FAIL if errors else Status.WARN if warnings else Status.PASS
    fix = None
    if sink.kept:
        first = next((p for p in sink.kept if p.severity is Severity.ERROR), sink.kept[0])
        fix = (
            f"Fix the feed's {plural(errors, 'error')} and {plural(warnings, 'warning')}, "
            f"starting with: {first}"
        )
    return CheckResult(
        "conformance",
        "1",
        f"The feed follows ORUK {version}",
        "Open Referral UK schema and compliance rules",
        OFF,
        status,
        f"{plural(errors, 'error')} and {plural(warnings, 'warning')}.",
        findings,
        fix,
    )


def _coverage(topics: list[TopicResult]) -> CheckResult:
    missing = [t for t in topics if t.coverage is Coverage.MISSING]
    keyword = [t for t in topics if t.coverage is Coverage.KEYWORD_ONLY]
    missing.sort(key=lambda t: list(Evidence).index(t.evidence))
    findings = tuple(Finding(f"missing: {t.title} ({t.reference})") for t in missing) + tuple(
        Finding(f"found only by keyword: {t.title}", t.count, t.ids) for t in keyword
    )
    status = Status.FAIL if missing else Status.WARN if keyword else Status.PASS
    fix = None
    if missing:
        more = f"; and {len(missing) - 4} more topics" if len(missing) > 4 else ""
        fix = (
            "Publish information on: "
            + "; ".join(f"{t.title} ({t.reference})" for t in missing[:4])
            + more
        )
    elif keyword:
        fix = "Tag these services with taxonomy terms mapped to their topics: " + ", ".join(
            t.slug for t in keyword
        )
    covered = len(topics) - len(missing) - len(keyword)
    return CheckResult(
        "topic-coverage",
        "2",
        "Schedule 2 topics are covered",
        "SI 2014/1530 reg 53, Sch 2; CFA 2014 s.30(2)",
        P,
        status,
        f"{covered} of {len(topics)} topics covered, {len(keyword)} only by "
        f"keyword, {len(missing)} missing.",
        findings,
        fix,
    )


def _providers(catalogue: Catalogue, counts: ServiceChecks) -> CheckResult:
    findings, empty = [], []
    for item in catalogue.group(Group.PROVIDER_TYPE):
        ids = counts.by_slug[item.slug]
        orgs = len(counts.organisations[item.slug])
        listed = (
            f"{plural(ids.count, 'service')} from {plural(orgs, 'organisation')}"
            if ids.count
            else "none listed"
        )
        findings.append(
            Finding(f"{item.title} ({item.citation.provision}): {listed}", None, tuple(ids.ids))
        )
        if ids.count == 0:
            empty.append(item)
    items = catalogue.group(Group.PROVIDER_TYPE)
    status = Status.FAIL if len(empty) == len(items) else Status.WARN if empty else Status.PASS
    fix = ("List provision from: " + "; ".join(i.title for i in empty)) if empty else None
    return CheckResult(
        "provider-types",
        "3",
        "Provision from each kind of provider",
        "SI 2014/1530 Sch 2 para 1(a)-(h)",
        P,
        status,
        f"{len(items) - len(empty)} of {len(items)} kinds of provider listed.",
        tuple(findings),
        fix,
    )


def _out_of_area(counts: ServiceChecks) -> CheckResult:
    ref = "SI 2014/1530 Sch 2 para 2; CFA 2014 s.30(1)(b)"
    title = "Provision outside the area"
    ids = counts.out_of_area
    if not counts.districts and ids.count == 0:
        return CheckResult(
            "out-of-area",
            "4",
            title,
            ref,
            P,
            Status.SKIPPED,
            "Not checked: give the area's postcode districts in the manifest "
            "(area.postcode_districts) or tag services out_of_area.",
        )
    special = sum(
        counts.by_slug[s].count
        for s in ("special_provision", "non_maintained_special", "section_41")
    )
    summary = f"{_share(ids.count, counts.active)} active services are outside the area."
    findings = (_found("outside the area", ids),)
    if ids.count:
        return CheckResult("out-of-area", "4", title, ref, P, Status.PASS, summary, findings)
    status = Status.FAIL if special else Status.WARN
    return CheckResult(
        "out-of-area",
        "4",
        title,
        ref,
        P,
        status,
        summary,
        findings,
        "List the special schools, colleges and s.41 institutions outside the "
        "area that children and young people from the area attend.",
    )


def _ages(counts: ServiceChecks) -> CheckResult:
    gaps = counts.age_gaps()
    text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in gaps)
    findings: tuple[Finding, ...] = (_found("no age range given", counts.no_age),)
    if gaps:
        findings = (Finding(f"ages no service covers: {text}"), *findings)
    status = Status.FAIL if gaps else Status.WARN if counts.no_age.count else Status.PASS
    fix = (
        f"List provision for ages {text} (the offer runs from birth to 25)."
        if gaps
        else (
            "Give minimum and maximum ages for the services that have none."
            if counts.no_age.count
            else None
        )
    )
    return CheckResult(
        "age-coverage",
        "5",
        "Ages 0 to 25 are covered",
        "SEND Code of Practice 2015 chapter 4 (0-25)",
        S,
        status,
        f"Gaps: {text or 'none'}; {_share(counts.no_age.count, counts.active)} "
        "services give no ages.",
        findings,
        fix,
    )


def _access(counts: ServiceChecks, version: str) -> CheckResult:
    findings = [
        _found(f"description under {100} characters", counts.short_description),
        _found("no eligibility (text or ages)", counts.no_eligibility),
        _found("no way to get in touch (web page, email or phone)", counts.no_access),
    ]
    if version == "3.0":
        findings.append(
            Finding(
                "the ORUK 3.0 UK profile has no field for eligibility text or "
                "phone numbers; ages, web page and email are read instead"
            )
        )
    status = (
        Status.FAIL
        if counts.no_access.count
        else (
            Status.WARN
            if counts.short_description.count or counts.no_eligibility.count
            else Status.PASS
        )
    )
    fix = None
    if status is not Status.PASS:
        fix = "Give every service a web page or email, who it is for, and a fuller description."
    return CheckResult(
        "who-and-how",
        "6",
        "Who each service is for and how to get it",
        "SEND Code of Practice 2015 chapter 4 (comprehensive)",
        S,
        status,
        f"{_share(counts.no_access.count, counts.active)} services have no contact route.",
        tuple(findings),
        fix,
    )


def _freshness(counts: ServiceChecks) -> CheckResult:
    old = counts.stale.count + counts.undated.count
    findings = (
        _found(f"last updated before {day(counts.stale_before)}", counts.stale),
        _found("no last-modified or assured date", counts.undated),
        _found(
            "not active but still in the feed ("
            + ", ".join(f"{k}: {v}" for k, v in sorted(counts.inactive.items()))
            + ")",
            counts.inactive_ids,
        ),
        _found("a cost option or schedule that has expired", counts.expired),
    )
    status = (
        Status.FAIL
        if counts.active and old * 2 > counts.active
        else (
            Status.WARN if old or counts.inactive_ids.count or counts.expired.count else Status.PASS
        )
    )
    fix = (
        (
            "Review and re-date the services not updated in the last 12 months, and remove "
            "closed ones."
        )
        if status is not Status.PASS
        else None
    )
    return CheckResult(
        "freshness",
        "7",
        "The information is up to date",
        "SEND Code of Practice 2015 chapter 4 (up to date)",
        S,
        status,
        f"{_share(old, counts.active)} active services not updated in 12 months.",
        findings,
        fix,
    )


def _cost(counts: ServiceChecks) -> CheckResult:
    status = Status.WARN if counts.no_cost.count else Status.PASS
    return CheckResult(
        "cost",
        "8",
        "Costs are stated",
        "SEND Code of Practice 2015 chapter 4 (transparent)",
        U,
        status,
        f"{_share(counts.costed, counts.active)} services state a cost or are free.",
        (_found("childcare, leisure or short breaks with no cost information", counts.no_cost),),
        "State the cost (or that it is free) for childcare, leisure and short breaks."
        if counts.no_cost.count
        else None,
    )


def _venues(counts: ServiceChecks) -> CheckResult:
    findings = (
        _found("postcode not in UK format", counts.bad_postcode),
        _found("no address", counts.no_address),
        _found("no latitude and longitude", counts.no_coordinates),
        _found("coordinates outside England", counts.outside_england),
        _found("no accessibility information", counts.no_accessibility),
    )
    flagged = any(f.count for f in findings)
    status = (
        Status.FAIL
        if counts.venues and counts.no_accessibility.count == counts.venues
        else (Status.WARN if flagged else Status.PASS)
    )
    return CheckResult(
        "venues",
        "9",
        "Venues have addresses and accessibility information",
        "SEND Code of Practice 2015 chapter 4 (accessible)",
        S,
        status,
        f"{_share(counts.no_accessibility.count, counts.venues)} venues give no "
        "accessibility information.",
        findings,
        "Describe each venue's physical access and fix its address."
        if status is not Status.PASS
        else None,
    )


def _named(catalogue: Catalogue, counts: ServiceChecks) -> CheckResult:
    findings: list[Finding] = []
    missing: list[Item] = []
    optional: list[Item] = []
    for item in catalogue.group(Group.NAMED_SERVICE):
        ids = counts.by_slug[item.slug]
        findings.append(
            Finding(
                f"{item.title}: {'present' if ids.count else 'absent'}",
                ids.count or None,
                tuple(ids.ids),
            )
        )
        if not ids.count:
            (missing if item.required else optional).append(item)
    status = Status.FAIL if missing else Status.WARN if optional else Status.PASS
    fix = (
        ("Add a record for: " + "; ".join(f"{i.title} ({i.citation.provision})" for i in missing))
        if missing
        else None
    )
    return CheckResult(
        "named-services",
        "10",
        "The services families look for by name",
        "CFA 2014 s.30; SI 2014/1530 Sch 2",
        P,
        status,
        f"{len(findings) - len(missing) - len(optional)} of {len(findings)} present.",
        tuple(findings),
        fix,
    )
