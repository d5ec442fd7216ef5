"""`mindme seed`: test accounts and tokens in bulk, usable at once by a server on the
same data, and reusable across runs."""
import json
import os
import shutil
import stat
import subprocess
import tempfile
import unittest

from mindme_server import BIN, Server


def read_tokens(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f]


class SeedTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="mindme-seed-")
        self.data = os.path.join(self.dir, "data")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def seed(self, users, name):
        path = os.path.join(self.dir, name)
        run = subprocess.run([BIN, "seed", "--users", str(users), "--tokens", path,
                              "--data", self.data], capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr)
        return run.stdout, path

    def test_seeded_accounts_work_and_a_second_run_reuses_them(self):
        out, first_file = self.seed(300, "first.tsv")
        self.assertIn("seeded 300 accounts (300 new)", out)
        self.assertEqual(stat.S_IMODE(os.stat(first_file).st_mode), 0o600)
        first = read_tokens(first_file)
        self.assertEqual(len(first), 300)
        self.assertEqual(len({token for _, token in first}), 300)
        out, second_file = self.seed(300, "second.tsv")
        self.assertIn("seeded 300 accounts (0 new)", out)
        second = read_tokens(second_file)
        server = Server(data=self.data)
        try:
            for email, token in [first[0], first[299], second[0], second[150]]:
                status, _, body = server.request("GET", "/v1/me",
                                                 headers={"Authorization": "Bearer " + token})
                self.assertEqual(status, 200, email)
                self.assertEqual(json.loads(body)["user"]["email"], email)
            # The shared password signs in like any other.
            status, _, _ = server.request(
                "POST", "/v1/sessions",
                body=json.dumps({"email": first[7][0], "password": "load test password"}),
                headers={"Content-Type": "application/json"})
            self.assertEqual(status, 200)
        finally:
            server.stop()

    def test_bad_arguments(self):
        run = subprocess.run([BIN, "seed", "--users", "0", "--tokens", "x"],
                             capture_output=True, text=True, timeout=30)
        self.assertNotEqual(run.returncode, 0)
        run = subprocess.run([BIN, "seed", "--users", "5"], capture_output=True, text=True,
                             timeout=30)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("--tokens", run.stderr + run.stdout)


if __name__ == "__main__":
    unittest.main()
