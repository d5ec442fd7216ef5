"""The auto scaling commands: mindme scale simulate and mindme plan (docs/scaling.md)."""
import csv
import io
import json
import os
import subprocess
import tempfile
import unittest

from mindme_server import BIN, Server, until

EXAMPLE = os.path.join(os.path.dirname(__file__), "../../examples/seed-250k")


def write(directory, name, text):
    """Writes `text` to directory/name; returns the path."""
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


class ScalingCommandsTest(unittest.TestCase):
    def run_mindme(self, *args):
        return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)

    def test_scale_simulate_replays_a_trace_through_aws_shaped_policies(self):
        with tempfile.TemporaryDirectory() as d:
            group = write(d, "group.json", '{"MinSize": 2, "MaxSize": 20, "DesiredCapacity": 10}')
            policy = write(d, "cpu.yaml", "PolicyName: cpu\nPolicyType: TargetTrackingScaling\n"
                           "TargetTrackingConfiguration:\n  PredefinedMetricSpecification:\n"
                           "    PredefinedMetricType: ASGAverageCPUUtilization\n"
                           "  TargetValue: 70\n")
            trace = write(d, "trace.csv", "t_seconds,metric,value\n" + "".join(
                "%d,ASGAverageCPUUtilization,84\n" % (60 * i) for i in range(3)))
            out = os.path.join(d, "out.csv")
            run = self.run_mindme("scale", "simulate", "--group", group, "--policy", policy,
                                  "--trace", trace, "--out", out, "--launch-seconds", "30")
            self.assertEqual(run.returncode, 0, run.stderr)
            with open(out) as f:
                rows = f.read().splitlines()
            self.assertEqual(rows[0], "t_seconds,desired,in_service,warming,cpu-AlarmHigh,"
                                      "cpu-AlarmLow")
            # Three breaching minutes: 12 desired, the two new instances pending (30 s).
            self.assertEqual(rows[-1], "180,12,10,0,ALARM,OK")
            bad = write(d, "bad.json", '{"MinSize": 5, "MaxSize": 2}')
            run = self.run_mindme("scale", "simulate", "--group", bad, "--trace", trace,
                                  "--out", out)
            self.assertEqual(run.returncode, 2)
            self.assertIn("bad.json: MaxSize must be at least MinSize", run.stderr)

    def test_simulate_takes_the_seeds_policy_file_as_written(self):
        with tempfile.TemporaryDirectory() as d:
            trace = write(d, "trace.csv", "t_seconds,metric,value\n" + "".join(
                    "%d,CPUUtilization,90\n" % (60 * i) for i in range(3)))
            run = self.run_mindme("scale", "simulate", "--policy",
                                  os.path.join(EXAMPLE, "policy.yaml"), "--trace", trace,
                                  "--out", "-")
            self.assertEqual(run.returncode, 0, run.stderr)
            rows = list(csv.DictReader(io.StringIO(run.stdout)))
            # 50 desired; CPU above 70 % for 2 periods: the Scale Out trigger adds 10 %.
            self.assertEqual(rows[0]["desired"], "50")
            self.assertEqual(rows[1]["desired"], "55")
            self.assertEqual(rows[1]["Scale Out-alarm"], "ALARM")
            self.assertEqual(rows[0]["cpu_high"], "ALARM")  # the 80 % alarm, 1 of 1

    def plan(self, *args):
        return self.run_mindme("plan", "--policy", os.path.join(EXAMPLE, "policy.yaml"),
                               "--policy", os.path.join(EXAMPLE, "mindme.yaml"),
                               "--trace", os.path.join(EXAMPLE, "trace.csv"), *args)

    def test_plan_reproduces_the_seed_scenario_with_both_fleets_costed(self):
        run = self.plan()
        self.assertEqual(run.returncode, 0, run.stderr)
        text = run.stdout
        self.assertIn("as of 2024-06-01", text)
        self.assertIn("seed fleet (c6i.2xlarge)", text)
        self.assertIn("MindMe (c6i.large)", text)
        seed, rest = text.split("\nMindMe (c6i.large)\n")
        mindme = rest.split("side by side")[0]
        self.assertRegex(seed, r"instances: least +25\n")
        self.assertRegex(seed, r"EC2 on demand \(\$/month\) +[\d,]+\n")
        self.assertRegex(mindme, r"instances: least +2\n")
        self.assertIn("measured", mindme)  # the capacity comes from bench/capacity.sh
        self.assertIn("total on demand ($/month)", text)
        self.assertRegex(text, r"seed fleet \(c6i.2xlarge\) costs \d+\.\d× MindMe")

    def test_plan_writes_one_csv_row_per_fleet_and_minute_and_an_html_chart(self):
        run = self.plan("--format", "csv")
        self.assertEqual(run.returncode, 0, run.stderr)
        rows = list(csv.DictReader(io.StringIO(run.stdout)))
        seed = [r for r in rows if r["fleet"] == "seed fleet (c6i.2xlarge)"]
        mindme = [r for r in rows if r["fleet"] == "MindMe (c6i.large)"]
        self.assertEqual(len(seed), 1440)
        self.assertEqual(len(mindme), 1440)
        # The seed's group stays within its bounds and scales with the day.
        desired = [int(r["desired"]) for r in seed]
        self.assertGreaterEqual(min(desired), 25)
        self.assertLessEqual(max(desired), 100)
        self.assertGreater(max(desired), 50)
        # The surge at 12:30 (280,000 users) sets off the emergency trigger's alarm.
        surge = [r for r in seed if 750 * 60 < int(r["t_seconds"]) <= 760 * 60]
        self.assertTrue(any("Emergency Scale Out-alarm" in r["alarms"] for r in surge))
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "plan.html")
            run = self.plan("--format", "html", "--out", out)
            self.assertEqual(run.returncode, 0, run.stderr)
            with open(out) as f:
                html = f.read()
            self.assertIn("<svg", html)
            self.assertIn("Desired instances", html)
            self.assertNotIn("http://", html)

    def test_plan_refuses_bad_input_naming_it(self):
        with tempfile.TemporaryDirectory() as d:
            policy = write(d, "p.yaml", "Min Size: 1\nMax Size: 2\nInstance Type: z9.huge\n"
                           "Capacity: {Requests per Second: 10}\n")
            trace = write(d, "t.csv", "minute,users\n0,10\n")
            run = self.run_mindme("plan", "--policy", policy, "--trace", trace)
            self.assertEqual(run.returncode, 2)
            self.assertIn('Instance Type "z9.huge" is not in the price table', run.stderr)
            write(d, "t.csv", "minute,users\n0,ten\n")
            run = self.run_mindme("plan", "--policy", policy, "--trace", trace)
            self.assertEqual(run.returncode, 2)
            self.assertIn("t.csv:2: the value must be a number", run.stderr)


    def test_simulate_replays_an_exported_keda_scaled_object(self):
        with tempfile.TemporaryDirectory() as d:
            manifest = os.path.join(d, "worker.keda.yaml")
            run = self.run_mindme("scale", "export", "--policy",
                                  os.path.join(EXAMPLE, "worker.yaml"), "--format", "kubernetes",
                                  "--name", "worker", "--queue", "jobs", "--out", manifest)
            self.assertEqual(run.returncode, 0, run.stderr)
            trace = write(d, "trace.csv",
                          "t_seconds,metric,value\n0,jobs,1000\n600,jobs,1000\n")
            run = self.run_mindme("scale", "simulate", "--keda", manifest, "--trace", trace,
                                  "--out", "-", "--launch-seconds", "20")
            self.assertEqual(run.returncode, 0, run.stderr)
            rows = list(csv.DictReader(io.StringIO(run.stdout)))
            # One worker per 100 waiting jobs: 1,000 jobs make 10, reached at the HPA's
            # default rate (double or 4 more, the larger, per 15 s): 1 → 5 → 10.
            self.assertEqual([r["desired"] for r in rows[:3]], ["5", "10", "10"])
            self.assertEqual(rows[0]["warming"], "4")
            bad = self.run_mindme("scale", "simulate", "--keda", manifest, "--group", manifest,
                                  "--trace", trace, "--out", "-")
            self.assertEqual(bad.returncode, 2)
            self.assertIn("--hpa and --keda replace --group", bad.stderr)

    def test_export_writes_each_format_and_refuses_an_unknown_one(self):
        policy = os.path.join(EXAMPLE, "policy.yaml")
        aws = self.run_mindme("scale", "export", "--policy", policy, "--format", "aws")
        self.assertEqual(aws.returncode, 0, aws.stderr)
        doc = json.loads(aws.stdout)
        self.assertEqual(doc["autoscaling create-auto-scaling-group"]["MinSize"], 25)
        self.assertEqual(len(doc["cloudwatch put-metric-alarm"]), 8)  # 3 triggers, 5 alarms
        tf = self.run_mindme("scale", "export", "--policy", policy, "--format", "terraform")
        self.assertEqual(tf.returncode, 0, tf.stderr)
        self.assertIn('resource "aws_autoscaling_group" "mindme"', tf.stdout)
        k8s = self.run_mindme("scale", "export", "--policy", os.path.join(EXAMPLE, "worker.yaml"),
                              "--format", "kubernetes", "--name", "worker")
        self.assertEqual(k8s.returncode, 0, k8s.stderr)
        self.assertIn("kind: ScaledObject", k8s.stdout)
        self.assertIn("queueName: mindme.memory.changed", k8s.stdout)
        bad = self.run_mindme("scale", "export", "--policy", policy, "--format", "pulumi")
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("pulumi", bad.stderr)

    def test_fleet_refuses_policies_it_cannot_follow_and_an_unreachable_haproxy(self):
        with tempfile.TemporaryDirectory() as d:
            cpu_policy = "Min Size: 1\nMax Size: 2\nTarget CPU Utilization: 70%\n"
            serve = write(d, "serve.yaml", cpu_policy)
            worker = write(d, "worker.yaml", cpu_policy)
            socket_path = os.path.join(d, "absent.sock")
            run = self.run_mindme("fleet", "--policy", serve, "--worker-policy", worker,
                                  "--haproxy-socket", socket_path)
            self.assertEqual(run.returncode, 2)
            self.assertIn("Target Queue Depth", run.stderr)
            run = self.run_mindme("fleet", "--policy", serve, "--haproxy-socket", socket_path)
            self.assertEqual(run.returncode, 2)
            self.assertIn("cannot reach HAProxy at " + socket_path, run.stderr)


class LiveAlarmsTest(unittest.TestCase):
    def test_an_alarm_goes_off_shows_in_metrics_is_logged_and_clears(self):
        # One-second periods, 2 of 3 to alarm; more than 60 requests a minute (one a
        # second) breach. Progress is read from the log: a scrape is a request too.
        sets = ["alarms.period_seconds=1", "alarms.evaluation_periods=3",
                "alarms.datapoints_to_alarm=2", "alarms.requests_per_minute=60"]
        with Server(*sets) as server:
            def changes():
                return [l.get("to") for l in server.lines()
                        if l.get("msg") == "alarm state changed"
                        and l.get("alarm") == "requests_high"]

            def busy_until_alarm():
                for _ in range(50):
                    server.request("GET", "/v1/ping")
                return "ALARM" in changes()

            self.assertTrue(until(busy_until_alarm, seconds=20), changes())
            # From ALARM, two quiet periods at least before OK: the scrape sees ALARM.
            _, _, body = server.request("GET", "/metrics")
            text = body.decode()
            self.assertIn('alarm_state{alarm="requests_high",state="ALARM"} 1', text)
            self.assertIn('alarm_state{alarm="requests_high",state="OK"} 0', text)
            self.assertIn('alarm_threshold{alarm="requests_high"} 60', text)
            # Quiet: back to OK, logged.
            self.assertTrue(until(lambda: changes()[-1] == "OK", seconds=20), changes())


if __name__ == "__main__":
    unittest.main()
