"""Stage heartbeats and the health view of them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

from wirewatch.heartbeat import BeatingEvent, Heartbeat, read_beats, stale
from wirewatch.health import stages
from wirewatch.settings import Settings


def test_a_beat_is_read_back_with_its_age_and_state(tmp_path):
    hb = Heartbeat(tmp_path, "grp", "items")
    hb.beat("polling", force=True)
    (beat,) = read_beats(tmp_path, "grp")
    assert (beat.stage, beat.pid, beat.state) == ("items", os.getpid(), "polling")
    assert beat.age < 5
    assert read_beats(tmp_path, "other-group") == []


def test_an_old_beat_is_stale_and_check_says_how_to_act(tmp_path):
    Heartbeat(tmp_path, "grp", "items").beat(force=True)
    (beat,) = read_beats(tmp_path, "grp", now=time.time() + 120)
    assert stale([beat], 60) == [beat]
    settings = Settings(heartbeat_dir=tmp_path, consumer_group="grp", heartbeat_stale_seconds=0.01)
    time.sleep(0.05)
    ok, lines = stages(settings)
    assert not ok and "STALE" in lines[0] and "restart it" in lines[0]


def test_beats_of_dead_processes_are_ignored_and_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    path = tmp_path / f"grp.items.{dead}.json"
    import socket

    path.write_text(json.dumps({"group": "grp", "stage": "items", "pid": int(dead),
                                "host": socket.gethostname(), "beat": 0, "state": "x"}))
    assert read_beats(tmp_path, "grp") == [] and not path.exists()
    ok, lines = stages(Settings(heartbeat_dir=tmp_path, consumer_group="grp"))
    assert ok and lines == ["stages: none running on this host"]


def test_an_unwritable_directory_does_not_stop_the_stage(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    Heartbeat(blocker / "sub", "grp", "items").beat(force=True)  # no exception


def test_beating_event_beats_on_every_check_and_wait(tmp_path):
    event = threading.Event()
    beating = BeatingEvent(event, Heartbeat(tmp_path, "grp", "notifier"))
    assert beating.wait(0.01) is False and not beating.is_set()
    assert [b.stage for b in read_beats(tmp_path, "grp")] == ["notifier"]
    beating.set()
    assert event.is_set()
