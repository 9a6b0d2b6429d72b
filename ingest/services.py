"""Writes of the ingest pipeline. Tasks, commands and admin call these; none re-implements a
step. Every function is idempotent: calling it twice leaves the same rows."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ingest import claims
from ingest.dedupe import InvalidURL, canonical_url, content_hash, url_domain
from ingest.fetch import FetchError, fetch
from ingest.maintext import Unparseable, looks_like_html, main_text
from ingest.models import ArticleAlias, Feed
from ingest.relevance import relevance_check
from ingest.textfile import parse_text_file
from tracker.changes import shown_as_read
from tracker.models import Article, Claim, ClaimSource, Outlet
from tracker.rows import row_update

Status = Article.Status
DONE = (Status.PROCESSED, Status.IRRELEVANT, Status.TOO_LONG)


@dataclass
class IngestResult:
    """What became of one URL, file or text: new · duplicate · irrelevant · failed · queued
    (· stored, inside this module only)."""

    outcome: str
    article: Article | None = None
    reason: str = ""


@dataclass
class FeedPollResult:
    to_fetch: list[str] = field(default_factory=list)
    new: int = 0
    seen: int = 0
    skipped: list[str] = field(default_factory=list)
    not_modified: bool = False


class FeedUnparseable(FetchError):
    """The feed body is not RSS/Atom that yields entries."""


def without_nul(text: str) -> str:
    """PostgreSQL text cannot hold NUL: a fetched or uploaded body loses it before storing."""
    return text.replace("\x00", "")


# --- Looking things up ---------------------------------------------------------------------


def outlet_for_url(url: str) -> Outlet | None:
    """The outlet that publishes at this URL's domain, created on first sight."""
    domain = url_domain(url)
    if not domain:
        return None
    outlet, _ = Outlet.objects.get_or_create(domain=domain, defaults={"name": domain})
    return outlet


def _outlet_id_for_url(url: str) -> int | None:
    """`outlet_for_url(url).pk`, the outlet's id read with SQL written once (every new article
    asks; the ORM's lookup cost four times its round trip); a new domain's outlet is created
    by outlet_for_url."""
    domain = url_domain(url)
    if not domain:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_outlet_id_sql(), [domain])
        row = cursor.fetchone()
    return row[0] if row is not None else outlet_for_url(url).pk


@functools.cache
def _outlet_id_sql() -> str:
    name = connection.ops.quote_name
    pk, domain = name(Outlet._meta.pk.column), name(Outlet._meta.get_field("domain").column)
    return f"SELECT {pk} FROM {name(Outlet._meta.db_table)} WHERE {domain} = %s"


def article_for_url(url: str) -> Article | None:
    """The stored article for a URL (under its canonical spelling or a known alias)."""
    try:
        canon = canonical_url(url)
    except InvalidURL:
        return None
    # A UNION, not `url=… OR aliases__url=…`: PostgreSQL answers the OR over the join with a
    # scan of every article, the union with two index lookups. Written out once (each fetch
    # asks): building the same union with the ORM cost three times its round trip.
    found = _article_read(_article_for_url_sql(), [canon, canon])
    return found[0] if found is not None else None


def _article_read(sql: str, params: list) -> tuple[Article, tuple] | None:
    """The first row of `sql` (every concrete column of Article, in order, then any more
    values) as an Article, as `Article.objects.raw(sql)` gives it (the ORM's converters
    applied to each column), and the values after its columns; None without a row. No
    RawQuerySet per call: it cost about as much as the round trip."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    names, converters = _article_columns()
    values = list(row[: len(names)])
    for at, functions, column in converters:
        for convert in functions:
            values[at] = convert(values[at], column, connection)
    return Article.from_db(connection.alias, names, values), tuple(row[len(names) :])


@functools.cache
def _article_columns() -> tuple[list[str], list[tuple]]:
    """Article's concrete fields' attribute names, and per column that has them the
    converters the ORM applies to a value read (backend's, then the field's)."""
    fields = Article._meta.concrete_fields
    converters = []
    for at, concrete in enumerate(fields):
        column = concrete.get_col(Article._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            converters.append((at, functions, column))
    return [f.attname for f in fields], converters


@functools.cache
def _article_for_url_sql() -> str:
    """`Article.objects.filter(url=…).union(Article.objects.filter(aliases__url=…), all=True)
    .order_by("pk").first()` as SQL: every column of the article, the lowest id first."""
    name = connection.ops.quote_name
    fields = Article._meta.concrete_fields
    columns = ", ".join(name(f.column) for f in fields)
    joined = ", ".join(f"a.{name(f.column)}" for f in fields)
    article, alias = name(Article._meta.db_table), name(ArticleAlias._meta.db_table)
    article_id = name(ArticleAlias._meta.get_field("article").column)
    url, pk = name("url"), name(Article._meta.pk.column)
    return (
        f"SELECT {columns} FROM {article} WHERE {url} = %s UNION ALL "
        f"SELECT {joined} FROM {article} a INNER JOIN {alias} b ON b.{article_id} = a.{pk} "
        f"WHERE b.{url} = %s ORDER BY {pk} LIMIT 1"
    )


def url_refusal(url: str) -> str:
    """Why this URL cannot be ingested (not http/https, no host, impossible port…), or ''
    when it can. The API and the admin form answer with this reason instead of failing."""
    try:
        canonical_url(url)
    except InvalidURL as exc:
        return str(exc)
    return ""


def feeds_due(now: dt.datetime | None = None) -> list[Feed]:
    now = now or timezone.now()
    return [feed for feed in Feed.objects.filter(enabled=True) if feed.is_due(now)]


# --- Registering and fetching ----------------------------------------------------------------


def article_register_url(
    *,
    url: str,
    outlet: Outlet | None = None,
    title: str = "",
    published_at: dt.datetime | None = None,
    submitted_by: AbstractBaseUser | None = None,
) -> tuple[Article, bool]:
    """The article row for a URL, created (queued) if new. Safe under races: the unique URL
    decides, and the loser reads the winner's row."""
    canon = canonical_url(url)
    alias = ArticleAlias.objects.select_related("article").filter(url=canon).first()
    if alias is not None:
        return alias.article, False
    return Article.objects.get_or_create(
        url=canon,
        defaults={
            "outlet": outlet or outlet_for_url(canon),
            "title": title[:500],
            "published_at": published_at,
            "submitted_by": submitted_by,
        },
    )


def article_record_failure(*, article: Article, reason: str) -> None:
    """Mark the article failed with its reason, leaving everything else as it was."""
    Article.objects.filter(pk=article.pk).update(
        status=Status.FAILED, error=reason[:2000], updated_at=timezone.now()
    )
    article.status, article.error = Status.FAILED, reason[:2000]


def article_note_error(*, article: Article, reason: str) -> None:
    """Record a passing error (a retry is due) without changing the status."""
    Article.objects.filter(pk=article.pk).update(error=reason[:2000], updated_at=timezone.now())
    article.error = reason[:2000]


def article_fetch(*, url: str, submitted_by: AbstractBaseUser | None = None) -> Article:
    """Fetch the URL's body into its article (status fetched) unless it was fetched already.
    A new URL is written once, with its body: one commit per fetch. Raises FetchError after
    recording its reason on the article."""
    canon = canonical_url(url)
    article = article_for_url(canon)
    if article is not None and article.status not in (Status.QUEUED, Status.FAILED):
        return article
    try:
        fetched = fetch(canon)
    except FetchError as exc:
        if article is None:
            article, _ = article_register_url(url=canon, submitted_by=submitted_by)
        if exc.retryable:  # stays queued: the caller retries or gives up
            article_note_error(article=article, reason=f"{exc} (will retry)")
        else:
            article_record_failure(article=article, reason=str(exc))
        raise
    body = {"raw": without_nul(fetched.text()), "status": Status.FETCHED, "error": ""}
    if article is None:
        outlet_id = _outlet_id_for_url(canon)
        try:
            return _insert_article(
                url=canon, outlet_id=outlet_id, submitted_by=submitted_by, **body
            )
        except IntegrityError:  # a concurrent fetch stored it first
            article = Article.objects.get(url=canon)
    # Conditional update: of two workers fetching at once, one moves it to fetched.
    Article.objects.filter(pk=article.pk, status__in=[Status.QUEUED, Status.FAILED]).update(
        **body, updated_at=timezone.now()
    )
    article.refresh_from_db()
    return article


def _insert_article(**fields) -> Article:
    """INSERT one article. Outside a transaction the statement commits on its own (one round
    trip, not BEGIN · INSERT · COMMIT); inside one, a savepoint keeps the caller's transaction
    usable when the unique URL refuses it."""
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return Article.objects.create(**fields)
    return Article.objects.create(**fields)


# --- Processing -------------------------------------------------------------------------------


def _merge_duplicate(*, duplicate: Article, original: Article) -> Article:
    """The same text under another URL: remember the URL, keep one article."""
    if duplicate.url:
        ArticleAlias.objects.get_or_create(url=duplicate.url, defaults={"article": original})
    duplicate.delete()
    return original


_PROCESSED_FIELDS = [
    "text", "content_hash", "title", "author", "published_at", "language", "relevance",
    "relevance_reasons", "error", "status", "updated_at",
]  # fmt: skip


@dataclass
class ProcessResult:
    outcome: str  # processed · irrelevant · duplicate · failed · too_long
    article: Article
    claims: int = 0


def article_process(*, article: Article) -> ProcessResult:
    """Extract the main text, dedupe by content hash, check relevance, and hand relevant
    articles to claim extraction. Runs in one transaction: a crash leaves the article as it
    was, and running it again gives the same rows."""
    if not article.raw:
        article_record_failure(article=article, reason="unparseable: nothing was fetched")
        return ProcessResult("failed", article)
    try:
        main = main_text(article.raw, url=article.url)
    except Unparseable as exc:
        article_record_failure(article=article, reason=f"unparseable: {exc}")
        return ProcessResult("failed", article)
    digest = content_hash(main.text)
    try:
        with transaction.atomic():
            locked = article_lock(article.pk)
            if locked is None:  # merged away by a concurrent run
                return ProcessResult("duplicate", article)
            # Read under the lock, with whether an approved claim cites it: the change log need
            # not read the article again, nor (none cites a new article) look for its claims.
            shown_as_read(locked, cited=locked.cited_publicly)
            verdict = relevance_check(title=locked.title or main.title, text=main.text)
            locked.text = main.text
            locked.content_hash = digest
            locked.title = (locked.title or main.title)[:500]
            locked.author = (locked.author or main.author)[:300]
            if locked.published_at is None and main.published:
                locked.published_at = dt.datetime.combine(main.published, dt.time(), dt.UTC)
            locked.language = (main.language or locked.language or "en")[:10]
            locked.relevance = verdict.score
            locked.relevance_reasons = verdict.reasons
            locked.error = ""
            locked.status = Status.PROCESSED if verdict.relevant else Status.IRRELEVANT
            # The same text under another URL is refused by the unique content hash, which
            # rolls the block back (no query to look for it first: duplicates are rare).
            row_update(locked, _PROCESSED_FIELDS)  # locked.save(update_fields=…)
            # Bounded: past its budget the article is marked too long (status too_long).
            n_claims = claims.article_extract_claims(article=locked) if verdict.relevant else 0
    except IntegrityError:
        # Another URL with the same text is stored: merge into it.
        original = Article.objects.filter(content_hash=digest).exclude(pk=article.pk).first()
        if original is None:
            raise
        with transaction.atomic():
            return ProcessResult(
                "duplicate", _merge_duplicate(duplicate=article, original=original)
            )
    return ProcessResult(locked.status, locked, n_claims)


def article_lock(pk: int) -> Article | None:
    """The article, its row locked to the end of the transaction (select_for_update), with
    `cited_publicly` (an approved claim cites it: tracker.changes.article_cited_publicly) and
    `has_sources` (any claim does: ingest.proposals then need not read them), or None when it
    is gone. One query, written out once: the ORM built the same each time for three times
    its round trip."""
    found = _article_read(_article_lock_sql(), [Claim.Status.APPROVED, pk])
    if found is None:
        return None
    locked, (cited, has_sources) = found
    locked.cited_publicly, locked.has_sources = bool(cited), bool(has_sources)  # SQLite: 0, 1
    return locked


@functools.cache
def _article_lock_sql() -> str:
    name = connection.ops.quote_name
    columns = ", ".join(f"a.{name(f.column)}" for f in Article._meta.concrete_fields)
    article, source, claim = (name(model._meta.db_table) for model in (Article, ClaimSource, Claim))
    a_id, s_article, s_claim = (
        name(Article._meta.pk.column),
        name(ClaimSource._meta.get_field("article").column),
        name(ClaimSource._meta.get_field("claim").column),
    )
    c_id, c_status = name(Claim._meta.pk.column), name(Claim._meta.get_field("status").column)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return (
        f"SELECT {columns}, EXISTS(SELECT 1 FROM {source} s INNER JOIN {claim} c "
        f"ON c.{c_id} = s.{s_claim} WHERE s.{s_article} = a.{a_id} AND c.{c_status} = %s) "
        f"AS cited_publicly, EXISTS(SELECT 1 FROM {source} s WHERE s.{s_article} = a.{a_id}) "
        f"AS has_sources FROM {article} a WHERE a.{a_id} = %s{lock}"
    )


# --- The synchronous entry points (commands, admin) --------------------------------------------

_OUTCOME = {
    "processed": "new",
    "irrelevant": "irrelevant",
    "duplicate": "duplicate",
    "too_long": "new",
}


def article_ingest_url(*, url: str, submitted_by: AbstractBaseUser | None = None) -> IngestResult:
    """Fetch and process one URL in this process; the outcome says what became of it."""
    try:
        canonical_url(url)
    except InvalidURL as exc:
        return IngestResult("failed", None, f"invalid URL: {exc}")
    existing = article_for_url(url)
    if existing is not None and existing.status in DONE:
        return IngestResult("duplicate", existing)
    try:
        article = article_fetch(url=url, submitted_by=submitted_by)
    except FetchError as exc:
        article = article_for_url(url)
        if exc.retryable and article is not None:  # no retries here: this attempt is final
            article_record_failure(article=article, reason=str(exc))
        return IngestResult("failed", article, str(exc))
    result = article_process(article=article)
    if result.outcome == "failed":
        return IngestResult("failed", result.article, result.article.error)
    return IngestResult(_OUTCOME[result.outcome], result.article)


def article_ingest_text(
    *,
    text: str,
    title: str = "",
    url: str = "",
    outlet_name: str = "",
    published: dt.date | None = None,
    submitted_by: AbstractBaseUser | None = None,
) -> IngestResult:
    """Store a text (plain or HTML) that was not fetched, a file or a pasted article, and
    process it in this process (commands, tests; the API and admin queue it instead)."""
    stored = _article_store_text(
        text=text,
        title=title,
        url=url,
        outlet_name=outlet_name,
        published=published,
        submitted_by=submitted_by,
        status=Status.FETCHED,
    )
    if stored.outcome != "stored":
        return stored
    result = article_process(article=stored.article)
    if result.outcome == "failed":
        return IngestResult("failed", result.article, result.article.error)
    return IngestResult(_OUTCOME[result.outcome], result.article)


def _article_store_text(
    *,
    text: str,
    title: str,
    url: str,
    outlet_name: str,
    published: dt.date | None,
    submitted_by: AbstractBaseUser | None,
    status: str,
    known_text_is_duplicate: bool = False,
) -> IngestResult:
    """Store a text that was not fetched with `status`: outcome "stored", or "duplicate" (the
    URL is stored and done already; with `known_text_is_duplicate`, also the same plain text)
    or "failed" (a bad URL)."""
    canon = ""
    if url:
        try:
            canon = canonical_url(url)
        except InvalidURL as exc:
            return IngestResult("failed", None, f"invalid URL: {exc}")
        existing = article_for_url(canon)
        if existing is not None and existing.status in DONE:
            return IngestResult("duplicate", existing)
    if known_text_is_duplicate and not looks_like_html(text):
        # A plain text's hash is known now; HTML's only after extraction.
        digest = content_hash(text)
        same = Article.objects.filter(content_hash=digest).first() if digest else None
        if same is not None:
            return IngestResult("duplicate", same)
    outlet = outlet_for_url(canon) if canon else None
    if outlet_name and (outlet is None or outlet.name == outlet.domain):
        outlet = Outlet.objects.filter(name__iexact=outlet_name).first() or outlet
    fields = {
        "raw": without_nul(text),
        "title": without_nul(title)[:500],
        "outlet": outlet,
        "published_at": dt.datetime.combine(published, dt.time(), dt.UTC) if published else None,
        "submitted_by": submitted_by,
        "status": status,
        "error": "",
    }
    if canon:
        article, _ = Article.objects.update_or_create(url=canon, defaults=fields)
    else:
        article = Article.objects.create(**fields)
    return IngestResult("stored", article)


def article_ingest_file(
    *, path: Path, submitted_by: AbstractBaseUser | None = None
) -> IngestResult:
    """A .txt file (optional url/outlet/published/title header) or an .html file."""
    suffix = path.suffix.lower()
    if suffix not in TEXT_FILE_SUFFIXES:
        return IngestResult("failed", None, f"unsupported file type {suffix or '(none)'}")
    try:
        content = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return IngestResult("failed", None, f"cannot read {path}: {exc.strerror}")
    if suffix == ".txt":
        parsed = parse_text_file(content)
        return article_ingest_text(
            text=parsed.body,
            title=parsed.title,
            url=parsed.url,
            outlet_name=parsed.outlet,
            published=parsed.published,
            submitted_by=submitted_by,
        )
    return article_ingest_text(text=content, submitted_by=submitted_by)


# --- Feeds --------------------------------------------------------------------------------------


_HARMLESS_FEED_PROBLEMS = (feedparser.CharacterEncodingOverride,)


def feed_record_failure(*, feed: Feed, reason: str) -> None:
    now = timezone.now()
    Feed.objects.filter(pk=feed.pk).update(last_error=reason[:2000], last_polled_at=now)
    feed.last_error, feed.last_polled_at = reason[:2000], now


def _entry_published(entry) -> dt.datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)


def feed_poll(*, feed: Feed) -> FeedPollResult:
    """Conditional GET of the feed; register each entry's article (queued) and return the URLs
    still to fetch. Raises FetchError after recording its reason on the feed."""
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        fetched = fetch(feed.url, headers=headers)
    except FetchError as exc:
        feed_record_failure(feed=feed, reason=str(exc))
        raise
    result = FeedPollResult()
    if fetched.not_modified:
        Feed.objects.filter(pk=feed.pk).update(last_polled_at=timezone.now(), last_error="")
        result.not_modified = True
        return result
    parsed = feedparser.parse(fetched.body)
    problem = parsed.get("bozo_exception") if parsed.bozo else None
    if isinstance(problem, _HARMLESS_FEED_PROBLEMS):
        problem = None  # a wrong charset label that feedparser worked around
    if problem is not None or not parsed.get("version"):
        # Broken XML: what feedparser salvages may be wrong, so nothing is written.
        problem = problem or "not RSS or Atom"
        exc = FeedUnparseable("unparseable feed", str(problem)[:300])
        feed_record_failure(feed=feed, reason=str(exc))
        raise exc
    with transaction.atomic():
        for entry in parsed.entries:
            link = (entry.get("link") or "").strip()
            label = (entry.get("title") or entry.get("id") or "untitled")[:80]
            try:
                article, created = article_register_url(
                    url=link,
                    outlet=feed.outlet,
                    title=entry.get("title", ""),
                    published_at=_entry_published(entry),
                )
            except InvalidURL:
                result.skipped.append(label)
                continue
            result.new += created
            result.seen += not created
            if article.status == Status.QUEUED:  # new, or an earlier enqueue was lost
                result.to_fetch.append(article.url)
        errors = []
        if result.skipped:
            names = ", ".join(repr(s) for s in result.skipped[:5])
            errors.append(f"{len(result.skipped)} entries without a usable link: {names}")
        feed.etag = fetched.headers.get("etag", "")[:300]
        feed.last_modified = fetched.headers.get("last-modified", "")[:100]
        feed.last_polled_at = timezone.now()
        feed.last_error = "; ".join(errors)
        feed.title = feed.title or (parsed.feed.get("title") or "")[:300]
        feed.save()
    return result


# --- Handing work to the workers (tasks import this module, hence the local imports) -----


def article_enqueue_url(*, url: str, submitted_by: AbstractBaseUser | None = None) -> Article:
    """Register the URL (queued) and hand it to a worker once the transaction commits."""
    from ingest.tasks import fetch_article

    article, _ = article_register_url(url=url, submitted_by=submitted_by)
    if article.status in (Article.Status.QUEUED, Article.Status.FAILED):
        transaction.on_commit(functools.partial(fetch_article.delay, article.url))
    return article


def article_enqueue_text(
    *,
    text: str,
    title: str = "",
    url: str = "",
    outlet_name: str = "",
    published: dt.date | None = None,
    submitted_by: AbstractBaseUser | None = None,
) -> IngestResult:
    """Store a pasted or uploaded text (plain or HTML) queued, and process it on a worker once
    the transaction commits: the request only writes one row. Outcome queued, duplicate (the
    same URL, or the same plain text, is stored already) or failed (a bad URL)."""
    from ingest.tasks import process_article

    stored = _article_store_text(
        text=text,
        title=title,
        url=url,
        outlet_name=outlet_name,
        published=published,
        submitted_by=submitted_by,
        status=Status.QUEUED,
        known_text_is_duplicate=True,
    )
    if stored.outcome != "stored":
        return stored
    transaction.on_commit(functools.partial(process_article.delay, stored.article.pk))
    return IngestResult("queued", stored.article)


TEXT_FILE_SUFFIXES = {".txt", ".html", ".htm"}


def article_enqueue_file(
    *, name: str, content: bytes, submitted_by: AbstractBaseUser | None = None
) -> IngestResult:
    """An uploaded .txt (optional url/outlet/published/title header) or .html file, queued
    like a pasted text."""
    suffix = Path(name).suffix.lower()
    if suffix not in TEXT_FILE_SUFFIXES:
        return IngestResult("failed", None, f"unsupported file type {suffix or '(none)'}")
    text = content.decode("utf-8", errors="replace")
    if suffix != ".txt":
        return article_enqueue_text(text=text, submitted_by=submitted_by)
    parsed = parse_text_file(text)
    return article_enqueue_text(
        text=parsed.body,
        title=parsed.title,
        url=parsed.url,
        outlet_name=parsed.outlet,
        published=parsed.published,
        submitted_by=submitted_by,
    )


def article_enqueue_reprocess(*, article: Article) -> None:
    """Run the article through the pipeline again: refetch when nothing was fetched."""
    from ingest.tasks import fetch_article, process_article

    if article.raw:
        transaction.on_commit(functools.partial(process_article.delay, article.pk))
    elif article.url:
        Article.objects.filter(pk=article.pk).update(status=Article.Status.QUEUED, error="")
        transaction.on_commit(functools.partial(fetch_article.delay, article.url))


def feed_enqueue_poll(*, feed: Feed) -> None:
    """Poll the feed on a worker once the transaction commits."""
    from ingest.tasks import poll_feed

    transaction.on_commit(functools.partial(poll_feed.delay, feed.pk))
