"""The analysis pipeline on PostgreSQL: dispatch after commit, results, copy index, flags."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from reports.analysis import analysis_to_dict, analyze
from reports.choices import AnalysisState
from reports.models import (
    AnalysisResult,
    CopyKey,
    IndexedVersion,
    Organization,
    ReferenceText,
    Report,
    ReportVersion,
)
from reports.pipeline import contradictions, run_analysis
from reports.tasks import dispatch_analysis as dispatch
from reports.tasks import enqueue_analysis, requeue_pending
from reports.workflow import report_submit
from tests.analysis.test_cli_and_bad_input import KEYS as CONTRACT_KEYS
from tests.factories import complete_content, fill, make_campaign
from tests.fixtures import fixture_text
from tests.world import point_celery_at

# tests/fixtures/README.md says what each text shows.
REPORT = fixture_text("copy_source")  # a school's summary: any realistic report


def submit(report: Report, user, achievements: str, **values) -> ReportVersion:
    content = complete_content()
    content["sections"]["achievements"] = achievements
    content["indicator_values"].update(values)
    fill(report, user, content)
    return report_submit(report_id=report.pk, actor=user)


@pytest.fixture
def reports(world):
    campaign = make_campaign(world)
    return {
        "a1": Report.objects.get(campaign=campaign, organization=world.school_a1),
        "a2": Report.objects.get(campaign=campaign, organization=world.school_a2),
    }


def test_submitting_records_a_pending_analysis_after_commit(
    world, reports, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = submit(reports["a1"], world.alice, "学校落实作业公示制度。")
        assert not AnalysisResult.objects.exists()  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    result = AnalysisResult.objects.get(version=version)
    assert result.state == AnalysisState.PENDING and result.queued_at is not None


def test_a_copied_paragraph_is_found_with_its_source_school(world, reports):
    first = submit(reports["a1"], world.alice, fixture_text("copy_source"))
    run_analysis(first.pk)
    # school A2's own report, with one of A1's paragraphs pasted in and slightly edited
    second = submit(reports["a2"], world.amy, fixture_text("copy_with_edits"))
    result = run_analysis(second.pk)
    assert result.state == AnalysisState.DONE
    copies = result.result["copies"]
    assert copies, "the paragraph copied from school A1's report was not found"
    assert {c["source"] for c in copies} == {f"version:{first.pk}"}
    assert all("甲县第一小学" in c["source_label"] for c in copies)
    assert max(c["similarity"] for c in copies) >= 0.8
    for c in copies:  # offsets point into the submitted text and the source text
        assert second.text[c["start"] : c["end"]].strip()
        assert first.text[c["source_start"] : c["source_end"]].strip()
    assert 0 < result.copied_share < 1 and result.flags["copies"] == len(copies)
    assert result.risk >= round(result.copied_share * 100)


def test_a_report_is_never_compared_with_its_own_earlier_version(world, reports):
    text = REPORT
    first = submit(reports["a1"], world.alice, text)
    run_analysis(first.pk)
    second = ReportVersion.objects.create(
        report=reports["a1"], number=2, text=first.text, submitted_at=first.submitted_at
    )
    assert run_analysis(second.pk).result["copies"] == []


def test_a_schools_own_report_of_an_earlier_campaign_is_not_a_copy_source(world, reports):
    from reports.services.reports import campaign_close

    text = REPORT
    first = submit(reports["a1"], world.alice, text)
    run_analysis(first.pk)
    campaign_close(campaign=reports["a1"].campaign, actor=world.ada)
    later = make_campaign(world, title="下一期", days_left=30)
    report = Report.objects.get(campaign=later, organization=world.school_a1)
    again = submit(report, world.alice, text)  # copied forward: the school's own words
    assert run_analysis(again.pk).result["copies"] == []
    other = Report.objects.get(campaign=later, organization=world.school_a2)
    assert run_analysis(submit(other, world.amy, text).pk).result["copies"]


def test_copies_from_the_reference_library_name_the_reference(world, reports):
    reference = ReferenceText.objects.create(
        title="范文网：双减工作方案", text=fixture_text("template")
    )
    from reports.copyindex import index_reference

    assert index_reference(reference) > 0
    version = submit(reports["a1"], world.alice, fixture_text("template_copied"))
    result = run_analysis(version.pk)
    sources = {c["source"] for c in result.result["copies"]}
    assert sources == {f"reference:{reference.pk}"}
    assert result.result["copies"][0]["source_label"] == "范文库：范文网：双减工作方案"
    assert result.flags["copied_from_reference"] >= 1


def test_a_deleted_or_disabled_reference_is_no_longer_a_source(world, reports):
    from reports.copyindex import index_reference

    template = fixture_text("template")
    kept = ReferenceText.objects.create(title="留用范文", text=template, active=False)
    gone = ReferenceText.objects.create(title="删除的范文", text=template)
    index_reference(kept)
    index_reference(gone)
    gone.delete()
    assert not CopyKey.objects.filter(source__lt=0).exists()
    version = submit(reports["a1"], world.alice, fixture_text("template_copied"))
    assert run_analysis(version.pk).result["copies"] == []


@pytest.mark.django_db(transaction=True)
def test_two_schools_sending_one_text_at_the_same_moment_are_compared(world, reports):
    """Two workers analyse them at once: each looks for copies while the other's rows are
    not committed yet. Held at the table lock, both are in flight together, every time."""
    import threading
    import time

    from django.db import connection, connections, transaction
    from django.utils import timezone

    text = REPORT
    versions = {
        name: ReportVersion.objects.create(
            report=report, number=1, text=text, submitted_at=timezone.now()
        )
        for name, report in reports.items()
    }
    results: dict[str, AnalysisResult] = {}

    def analyse(name: str) -> None:
        try:
            results[name] = run_analysis(versions[name].pk)
        finally:
            connections.close_all()

    def waiting_for_the_table() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks "
                "WHERE NOT granted AND relation = 'reports_copykey'::regclass"
            )
            return cursor.fetchone()[0]

    workers = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE reports_copykey IN SHARE MODE")  # no rows in until commit
        for name in versions:
            workers.append(threading.Thread(target=analyse, args=(name,)))
            workers[-1].start()
            deadline = time.monotonic() + 30
            while waiting_for_the_table() < len(workers) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert waiting_for_the_table() == len(workers)  # this one is storing its rows
    for worker in workers:
        worker.join(timeout=60)

    found = {
        name: {c["source"] for c in result.result["copies"]} for name, result in results.items()
    }
    assert results["a1"].state == results["a2"].state == AnalysisState.DONE
    a1, a2 = (f"version:{versions[name].pk}" for name in ("a1", "a2"))
    assert a1 in found["a2"] or a2 in found["a1"], found


@pytest.mark.django_db(transaction=True)
def test_only_versions_stored_after_the_lookup_are_looked_up_again(world, reports):
    """A worker working through a queue alone looks each report up once."""
    from reports import copyindex

    first = submit(reports["a1"], world.alice, fixture_text("copy_source"))
    second = submit(reports["a2"], world.amy, fixture_text("copy_with_edits"))
    before = copyindex.snapshot()
    run_analysis(first.pk)  # committed after the snapshot: unseen by it
    assert copyindex._any_unseen(before, second.pk)
    assert not copyindex._any_unseen(before, first.pk)  # a version is not its own copy source
    assert not copyindex._any_unseen(copyindex.snapshot(), second.pk)


def test_rebuilding_the_index_keeps_finding_the_same_copies(world, reports):
    text = REPORT
    first = run_analysis(submit(reports["a1"], world.alice, text).pk)
    rows = CopyKey.objects.count()
    call_command("rebuild_copy_index")
    assert CopyKey.objects.count() == rows > 0
    second = run_analysis(submit(reports["a2"], world.amy, text).pk)
    assert first.result["copies"] == []
    assert {c["source"] for c in second.result["copies"]} == {f"version:{first.version_id}"}


def test_a_template_sent_by_many_schools_is_stored_a_few_times_and_always_traced(world, reports):
    from django.utils import timezone

    from reports.analysis.copies import PER_KEY
    from reports.choices import OrgKind

    text = REPORT
    versions, results = [], []
    for i in range(2 * PER_KEY + 2):
        school = Organization.objects.create(
            name=f"模板学校{i}", code=f"T{i:09d}", kind=OrgKind.SCHOOL, parent=world.county_a
        )
        report = Report.objects.create(campaign=reports["a1"].campaign, organization=school)
        versions.append(
            ReportVersion.objects.create(
                report=report, number=1, text=text, submitted_at=timezone.now()
            )
        )
        results.append(run_analysis(versions[-1].pk))
    stored = [CopyKey.objects.filter(source=v.pk).count() for v in versions]
    # The first PER_KEY store the keys, the next PER_KEY the keys' contexts (one row per
    # crowded key at most), then nobody: the template costs the index a bounded number of rows.
    assert all(n > 0 for n in stored[:PER_KEY])
    assert all(0 < n <= stored[0] for n in stored[PER_KEY : 2 * PER_KEY])
    assert stored[2 * PER_KEY :] == [0, 0]
    earlier = {f"version:{v.pk}" for v in versions[: 2 * PER_KEY]}
    for result in results[PER_KEY:]:
        assert result.copied_share > 0.9
        assert {c["source"] for c in result.result["copies"]} <= earlier


def test_a_water_conservancy_speech_sent_to_a_shuangjian_task_is_flagged(world, reports):
    version = submit(reports["a1"], world.alice, fixture_text("off_topic_water"))
    flags = run_analysis(version.pk).flags
    assert flags["off_topic"] is True
    assert flags["not_report"] is True


def test_placeholders_and_a_masked_template_raise_the_risk(world, reports):
    clean = submit(reports["a2"], world.amy, "学校落实作业公示制度，每周开展五天课后服务。")
    masked = submit(reports["a1"], world.alice, fixture_text("masked_report"))
    clean_result, masked_result = run_analysis(clean.pk), run_analysis(masked.pk)
    texts = [p["text"] for p in masked_result.result["placeholders"]]
    assert "20xx" in texts and any(t.startswith("**") for t in texts)
    assert masked_result.risk > clean_result.risk


def test_a_number_in_the_prose_that_contradicts_the_form_is_flagged(world, reports):
    version = submit(
        reports["a1"],
        world.alice,
        "全校在校学生800人，参加课后服务学生650人，课后服务参与率81%。",
        enrolment=800,
        after_school_students=720,
    )
    result = run_analysis(version.pk)
    found = {
        (c["indicator"], c["text_value"], c["form_value"]) for c in result.result["contradictions"]
    }
    assert ("after_school_students", 650, 720) in found
    assert ("after_school_rate", 81, 90.0) in found
    assert not any(c[0] == "enrolment" for c in found)  # 800 = 800
    assert result.flags["contradictions"] == 2
    labels = {c["label"] for c in result.result["contradictions"]}
    assert labels == {"参加课后服务学生数", "课后服务学生参与率"}


def test_an_upper_bound_in_the_prose_is_not_a_contradiction_when_respected():
    numbers = [
        {
            "masked": False,
            "value": 60.0,
            "unit": "分钟",
            "comparison": "upper_bound",
            "start": 12,
            "end": 16,
            "text": "60分钟",
        }
    ]
    text = "三至六年级书面作业控制在60分钟以内"
    numbers[0]["start"], numbers[0]["end"] = text.index("60"), text.index("60") + 4
    assert contradictions(numbers, text, {"homework_grade36": 50}) == []
    assert (
        contradictions(numbers, text, {"homework_grade36": 70})[0]["indicator"]
        == "homework_grade36"
    )


def test_rerunning_a_done_analysis_does_nothing_and_the_index_has_no_duplicates(world, reports):
    version = submit(reports["a1"], world.alice, REPORT)
    first = run_analysis(version.pk)
    rows = CopyKey.objects.filter(source=version.pk).count()
    again = run_analysis(version.pk)
    assert again.attempts == first.attempts == 1
    run_analysis(version.pk, force=True)
    assert CopyKey.objects.filter(source=version.pk).count() == rows > 0


@pytest.mark.parametrize(
    "text", ["", "一、基本情况\n二、存在的问题\n三、下步打算", "啊" * 50_000, "12 34 56 " * 3000]
)
def test_odd_texts_are_analysed_without_failing(world, reports, text):
    from django.utils import timezone

    version = ReportVersion.objects.create(
        report=reports["a1"], number=1, text=text, submitted_at=timezone.now()
    )
    assert run_analysis(version.pk).state == AnalysisState.DONE


def test_a_broker_that_is_down_leaves_the_analysis_pending_and_submission_succeeds(world, reports):
    old = point_celery_at("redis://127.0.0.1:1/0")
    try:
        version = submit(reports["a1"], world.alice, "学校落实作业公示制度。")
        result = enqueue_analysis(version.pk)
        assert dispatch(version.pk) is False
    finally:
        point_celery_at(old)
    assert result.state == AnalysisState.PENDING
    assert Report.objects.get(pk=reports["a1"].pk).state == "submitted"


def test_the_requeue_finds_versions_left_without_analysis(world, reports, eager_celery):
    version = submit(reports["a1"], world.alice, "学校落实作业公示制度。")
    AnalysisResult.objects.filter(version=version).delete()
    assert requeue_pending() >= 1
    assert AnalysisResult.objects.get(version=version).state == AnalysisState.DONE


def test_reanalysing_a_campaign_runs_every_current_version_again(world, reports, eager_celery):
    version = submit(reports["a1"], world.alice, "学校落实作业公示制度。")
    run_analysis(version.pk)
    call_command("reanalyze", campaign=reports["a1"].campaign_id)
    assert AnalysisResult.objects.get(version=version).attempts == 2


def test_analyze_text_follows_the_json_contract_with_the_reference_library(tmp_path, db, capsys):
    reference = ReferenceText.objects.create(title="范文", text=fixture_text("template"))
    path = tmp_path / "a.txt"
    path.write_text(fixture_text("template_copied"), encoding="gb18030")
    call_command("analyze_text", str(path), "--topic", "shuangjian")
    [line] = capsys.readouterr().out.splitlines()
    item = json.loads(line)
    assert list(item) == CONTRACT_KEYS  # the stable command-line contract
    assert item["path"] == str(path)
    assert {c["source"] for c in item["copies"]} == {f"reference:{reference.pk}"}
    assert item["topic"]["code"] == "shuangjian"


def test_analyze_text_works_as_the_readme_writes_it_without_any_database(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(fixture_text("copy_source"), encoding="utf-8")
    b.write_text(fixture_text("copy_with_edits"), encoding="utf-8")
    # a fresh checkout: no SECRET_KEY, the README's DEBUG=1, a database that does not answer
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.update(DEBUG="1", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    out = subprocess.run(
        [sys.executable, "manage.py", "analyze_text", str(a), str(b)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["copies"] and {c["source"] for c in first["copies"]} == {str(b)}
    assert second["copies"][0]["similarity"] >= 0.8


def test_the_copy_index_is_a_hash_index_on_key_with_no_primary_key_btree(db):
    """What its indexing speed rests on (benchmarks/RESULTS.md): one hash entry per row."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'reports_copykey'")
        definitions = sorted(row[0] for row in cursor.fetchall())
    assert len(definitions) == 2
    assert "USING hash (key)" in definitions[0]
    assert "WHERE (source < 0)" in definitions[1]  # the small index of reference rows


def versions_of_one_text(reports, text: str) -> list[ReportVersion]:
    """Three versions of each report, all the same text, oldest first."""
    from django.utils import timezone

    return [
        ReportVersion.objects.create(
            report=report, number=n, text=text, submitted_at=timezone.now()
        )
        for n in (1, 2, 3)
        for report in reports.values()
    ]


def migrate_to(*targets: tuple[str, str]) -> None:
    """Migrate the test database to ``targets`` (the latest migrations when none)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(list(targets) or executor.loader.graph.leaf_nodes())


def store_row(key: int, version: ReportVersion, pos: int = 0) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reports_copykey (key, owner_id, source, pos) VALUES (%s, %s, %s, %s)",
            [key, version.report.organization_id, version.pk, pos],
        )


@pytest.mark.django_db(transaction=True)
def test_migrating_an_index_built_before_0008_thins_it_and_marks_its_versions(world, reports):
    versions = versions_of_one_text(reports, REPORT)
    migrate_to(("reports", "0007_copy_index_winnowed"))
    for v in versions:  # a stock phrase stored by every version, as 0007 left it
        store_row(42, v)
    store_row(7, versions[-1], 3)
    migrate_to(("reports", "0008_copy_index_hash"))

    assert CopyKey.objects.filter(key=42).count() == 4  # copies.PER_KEY texts keep it
    assert CopyKey.objects.filter(key=7).count() == 1
    assert set(IndexedVersion.objects.values_list("version_id", flat=True)) == {
        v.pk for v in versions[:4]
    } | {versions[-1].pk}
    migrate_to()


@pytest.mark.django_db(transaction=True)
def test_migrating_to_fingerprint_scheme_3_refills_the_index_from_the_texts(world, reports):
    from django.db import connection
    from django.utils import timezone

    from reports.analysis import copies

    text = REPORT
    versions = versions_of_one_text(reports, text)
    reference = ReferenceText.objects.create(title="范文", text=text)
    migrate_to(("reports", "0008_copy_index_hash"))
    with connection.cursor() as cursor:  # what scheme 2 left: other keys, every version marked
        for v in versions:
            store_row(42, v)
            cursor.execute("INSERT INTO reports_indexedversion (version_id) VALUES (%s)", [v.pk])
    migrate_to()

    keys = set(copies.first_places(copies.winnow(text)))
    assert not CopyKey.objects.filter(key=42).exists()
    assert set(CopyKey.objects.values_list("key", flat=True)) == keys
    # The reference text's rows, and under each key the first PER_KEY versions' rows.
    assert CopyKey.objects.filter(source=-reference.pk).count() == len(keys)
    assert CopyKey.objects.filter(source__gt=0).count() == len(keys) * copies.PER_KEY
    assert set(IndexedVersion.objects.values_list("version_id", flat=True)) == {
        v.pk for v in versions[: copies.PER_KEY]
    }
    # Those versions are not stored again when their analysis runs.
    assert run_analysis(versions[0].pk).state == AnalysisState.DONE
    assert CopyKey.objects.filter(source=versions[0].pk).count() == len(keys)
    # The refilled index finds a third school's copy, traced to the 范文.
    report = Report.objects.create(campaign=reports["a1"].campaign, organization=world.school_b1)
    copied = ReportVersion.objects.create(
        report=report, number=1, text=text, submitted_at=timezone.now()
    )
    result = run_analysis(copied.pk)
    assert result.copied_share > 0.9
    assert {c["source"] for c in result.result["copies"]} == {f"reference:{reference.pk}"}


def test_a_figure_counting_another_noun_is_not_a_contradiction():
    """ "在校学生670人，专任教师42人": the 42 counts teachers, not the enrolment."""
    text = "学校现有在校学生670人，专任教师42人。"
    numbers = analysis_to_dict(analyze(text))["numbers"]
    assert contradictions(numbers, text, {"enrolment": 670}) == []
    flagged = contradictions(numbers, text, {"enrolment": 700})
    assert [(c["indicator"], c["text"]) for c in flagged] == [("enrolment", "670人")]
