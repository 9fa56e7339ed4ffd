"""Ranking on both engines: the questions of tests/search/questions.py, and a sample of other queries.

    .venv/bin/python tests/benchmarks/ranking_compare.py run > sqlite.json                 # DATABASE_URL unset
    DATABASE_URL=postgres://… .venv/bin/python tests/benchmarks/ranking_compare.py run --variants > pg.json
    .venv/bin/python tests/benchmarks/ranking_compare.py table sqlite.json pg.json
    DATABASE_URL=postgres://…/empty .venv/bin/python tests/benchmarks/ranking_compare.py latency --size 100000

`run` searches the database of DATABASE_URL, which must hold the bundled report and nothing else
(`manage.py migrate` and `ingest_report` on an empty database): every question, then 150 single
words and 100 pairs of words drawn (seed 17) from the report's word list — the same on both
engines, as both hold the same word list. Each query's first ten results are written as their
texts and scores. On PostgreSQL, --variants also ranks the same matches with ts_rank and
ts_rank_cd (weights and normalisations tried for issue 17). `table` prints, per ranking, how many
questions have their answer key met in the top three, and how often the results agree with the
first file's (SQLite's); then, per question, whether the key is met in each file.

`latency` fills the empty PostgreSQL database of DATABASE_URL as search_benchmark.py does (the
report, then generated key messages up to --size, the index rebuilt, VACUUM ANALYZE) and times the
match and rank of a few queries (the engine's _match, no snippets) with ts_rank as it was before
issue 17 and with the engine's bm25, in alternating blocks. Not a test (pytest does not collect
this directory).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VARIANTS = {  # PostgreSQL rank expressions over d.vector and the query q, as they were before issue 17
    "ts_rank, weights 0.1/0.2/0.4/1, normalisation 1 (before issue 17)": "ts_rank('{0.1, 0.2, 0.4, 1.0}', d.vector, q, 1)",
    "ts_rank, same weights, normalisation 0": "ts_rank('{0.1, 0.2, 0.4, 1.0}', d.vector, q, 0)",
    "ts_rank, same weights, normalisation 2": "ts_rank('{0.1, 0.2, 0.4, 1.0}', d.vector, q, 2)",
    "ts_rank, weights 0.01/0.02/0.05/1, normalisation 1": "ts_rank('{0.01, 0.02, 0.05, 1.0}', d.vector, q, 1)",
    "ts_rank, weights 0.01/0.02/0.05/1, normalisation 2": "ts_rank('{0.01, 0.02, 0.05, 1.0}', d.vector, q, 2)",
    "ts_rank_cd, weights 0.1/0.2/0.4/1, normalisation 0": "ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', d.vector, q, 0)",
    "ts_rank_cd, same weights, normalisation 1": "ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', d.vector, q, 1)",
    "ts_rank_cd, same weights, normalisation 2": "ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', d.vector, q, 2)",
    "ts_rank_cd, weights 0.01/0.02/0.05/1, normalisation 1": "ts_rank_cd('{0.01, 0.02, 0.05, 1.0}', d.vector, q, 1)",
    "ts_rank_cd, weights 0.01/0.02/0.05/1, normalisation 2": "ts_rank_cd('{0.01, 0.02, 0.05, 1.0}', d.vector, q, 2)",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run")
    run.add_argument("--variants", action="store_true")
    table = commands.add_parser("table")
    table.add_argument("files", nargs="+", type=Path)
    latency = commands.add_parser("latency")
    latency.add_argument("--size", type=int, default=100_000)
    latency.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.command == "run":
        json.dump(run_queries(args.variants), sys.stdout, ensure_ascii=False)
    elif args.command == "latency":
        print(measure_latency(args.size, args.runs))
    else:
        print(tables([json.loads(path.read_text()) for path in args.files], [path.name for path in args.files]))


def run_queries(variants: bool) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpermed_kb.settings")
    import django

    django.setup()
    from django.db import connection

    from icpermed_kb.models.search_index import SearchWord
    from icpermed_kb.search import get_engine
    from icpermed_kb.search.index import item_of
    from icpermed_kb.search.query import parse, to_tsquery
    from icpermed_kb.search.text import STOP_WORDS
    from recommendations.models import Recommendation
    from sessions.models import KeyMessage
    from tests.search.questions import QUESTIONS

    texts = {("key_message", pk): text for pk, text in KeyMessage.objects.values_list("id", "text")}
    texts |= {("recommendation", pk): text for pk, text in Recommendation.objects.values_list("id", "text")}
    rng = random.Random(17)
    words = sorted(
        word for word, documents in SearchWord.objects.values_list("word", "documents") if 2 <= documents <= 60
    )
    words = [word for word in words if word not in STOP_WORDS]
    pairs = [" ".join(rng.sample(words, 2)) for _ in range(100)]
    queries = [*QUESTIONS, *rng.sample(words, 150), *pairs]
    engine = get_engine()
    runs = {"engine": {q: [[texts[(h.type, h.id)], h.score] for h in engine.search(q)[:10]] for q in queries}}
    if variants and connection.vendor == "postgresql":
        for name, expression in VARIANTS.items():
            ranked = {}
            for query in queries:
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT d.id, {expression} AS rank FROM core_searchdocument d, to_tsquery('simple', %s) q "
                        "WHERE d.vector @@ q ORDER BY rank DESC, d.id LIMIT 10",
                        [to_tsquery(parse(query))],
                    )
                    ranked[query] = [[texts[item_of(document)], rank] for document, rank in cursor.fetchall()]
            runs[name] = ranked
    return {"vendor": connection.vendor, "runs": runs}


def measure_latency(size: int, runs: int) -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpermed_kb.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from search_benchmark import QUERIES, generate

    from icpermed_kb.ingest.pipeline import ingest
    from icpermed_kb.search import get_engine
    from icpermed_kb.search.index import rebuild
    from icpermed_kb.search.query import parse, to_tsquery
    from sessions.models import KeyMessage

    if connection.vendor != "postgresql":
        sys.exit("latency: DATABASE_URL must name an empty PostgreSQL database")
    call_command("migrate", verbosity=0)
    if KeyMessage.objects.exists():
        sys.exit("latency: the database is not empty; it is filled with generated key messages, so give an empty one")
    ingest(settings.REPORT_PDF)
    generate(size, random.Random(2023))
    rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    engine = get_engine()

    def ts_rank(query):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.id, ts_rank('{0.1, 0.2, 0.4, 1.0}', d.vector, q, 1) AS rank "
                "FROM core_searchdocument d, to_tsquery('simple', %s) q WHERE d.vector @@ q ORDER BY rank DESC, d.id",
                [to_tsquery(query)],
            )
            return cursor.fetchall()

    def bm25(query):
        return engine._match(query, ("", []))

    lines = [
        f"{size:,} key messages; {runs} runs each, in 4 alternating blocks; load average {os.getloadavg()[0]:.1f} at the start",
        "",
        "| query | hits | ts_rank p50 | ts_rank p95 | bm25 p50 | bm25 p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, text, filters in QUERIES:
        if filters:
            continue
        query, times = parse(text), {ts_rank: [], bm25: []}
        for _ in range(4):
            for action in (ts_rank, bm25):
                hits = len(action(query))
                for _ in range(runs // 4):
                    started = time.perf_counter()
                    action(query)
                    times[action].append((time.perf_counter() - started) * 1000)
        cells = []
        for action in (ts_rank, bm25):
            ordered = sorted(times[action])
            cells += [f"{statistics.median(ordered):.1f}", f"{ordered[int(len(ordered) * 0.95) - 1]:.1f}"]
        lines.append(f"| {label}: `{text}` | {hits:,} | " + " | ".join(cells) + " |")
    lines.append(f"\nLoad average at the end: {os.getloadavg()[0]:.1f}")
    return "\n".join(lines)


def answered(top: list[str], relevant: tuple[str, ...]) -> bool:
    """As test_ranking.answered: every relevant statement in the top three, or (more than three) only relevant ones."""
    if len(relevant) <= 3:
        return all(any(piece in text for text in top) for piece in relevant)
    return all(any(piece in text for piece in relevant) for text in top)


def tables(files: list[dict], names: list[str]) -> str:
    from tests.search.questions import QUESTIONS

    reference = files[0]["runs"]["engine"]
    lines = [
        f"| file | ranking | key met (of {len(QUESTIONS)} questions) | a relevant statement in the top 3 "
        f"| same top-3 set as {names[0]} (questions) | same top-3 set (all {len(reference)} queries) "
        "| same first result | same first ten, in order |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    columns = []
    for name, data in zip(names, files, strict=True):
        for ranking, results in data["runs"].items():
            tops = {query: [text for text, _ in hits[:3]] for query, hits in results.items()}
            met = {query: answered(tops[query], relevant) for query, relevant in QUESTIONS.items()}
            some = sum(any(p in t for p in relevant for t in tops[q]) for q, relevant in QUESTIONS.items())
            same_top = {query: set(tops[query]) == {text for text, _ in reference[query][:3]} for query in results}
            first = sum([t for t, _ in hits[:1]] == [t for t, _ in reference[q][:1]] for q, hits in results.items())
            ten = sum([t for t, _ in hits] == [t for t, _ in reference[q]] for q, hits in results.items())
            label = f"{data['vendor']}: {'bm25 (the engine)' if ranking == 'engine' else ranking}"
            lines.append(
                f"| {name} | {label} | {sum(met.values())} | {some} | {sum(same_top[q] for q in QUESTIONS)} "
                f"| {sum(same_top.values())} | {first} | {ten} |"
            )
            if ranking == "engine":
                columns.append((f"{name} ({data['vendor']})", met, same_top))
    lines += ["", "| question | " + " | ".join(f"{label}: key met / same top 3" for label, _, _ in columns) + " |"]
    lines.append("| --- |" + " --- |" * len(columns))
    for question in QUESTIONS:
        cells = [
            f"{'yes' if met[question] else 'NO'} / {'yes' if same[question] else 'NO'}" for _, met, same in columns
        ]
        lines.append(f"| {question} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
