"""Sync (API.md): the user's changes in order from a cursor, tombstones for deletes,
paging with has_more, isolation, and no change skipped or repeated while other
connections write concurrently."""
import base64
import threading
import time
import unittest

from mindme_server import ApiUser, ServerTestCase


def follow(user, cursor=None, limit=None):
    """One sync call: (changes, cursor, has_more)."""
    query = []
    if cursor is not None:
        query.append("since=" + cursor)
    if limit is not None:
        query.append("limit=%d" % limit)
    status, headers, doc = user.call("GET", "/v1/sync" + ("?" + "&".join(query) if query else ""))
    assert status == 200, doc
    assert headers["cache-control"] == "no-store"
    assert set(doc) == {"changes", "cursor", "has_more"}, doc
    return doc["changes"], doc["cursor"], doc["has_more"]


class SyncTest(ServerTestCase):

    def test_a_new_user_has_no_changes(self):
        user = ApiUser(self.server, "new@example.com")
        changes, cursor, more = follow(user)
        self.assertEqual((changes, more), ([], False))
        self.assertEqual(follow(user, cursor), ([], cursor, False))

    def test_changes_replay_in_order_with_tombstones(self):
        user = ApiUser(self.server, "replay@example.com")
        first = user.create(title="one")
        second = user.create(title="two")
        _, _, edited = user.call("PUT", "/v1/memories/" + first["id"], {"title": "one, edited"})
        user.call("DELETE", "/v1/memories/" + second["id"])
        changes, cursor, more = follow(user)
        self.assertFalse(more)
        self.assertEqual([c["type"] for c in changes], ["upsert", "upsert", "upsert", "delete"])
        self.assertEqual(changes[0]["memory"], first)
        self.assertEqual(changes[1]["memory"], second)
        self.assertEqual(changes[2]["memory"], edited)
        self.assertEqual(set(changes[3]), {"type", "id", "deleted_at"})
        self.assertEqual(changes[3]["id"], second["id"])
        self.assertRegex(changes[3]["deleted_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        # Feeding the cursor back returns only what happened since.
        self.assertEqual(follow(user, cursor), ([], cursor, False))
        third = user.create(title="three")
        later, cursor2, _ = follow(user, cursor)
        self.assertEqual(later, [{"type": "upsert", "memory": third}])
        self.assertNotEqual(cursor2, cursor)

    def test_pages_with_has_more(self):
        user = ApiUser(self.server, "pager@example.com")
        made = [user.create(title=str(i))["id"] for i in range(7)]
        seen, cursor = [], None
        for _ in range(10):
            changes, cursor, more = follow(user, cursor, limit=3)
            self.assertLessEqual(len(changes), 3)
            seen += [c["memory"]["id"] for c in changes]
            if not more:
                break
        self.assertEqual(seen, made)

    def test_isolation_between_users(self):
        ann = ApiUser(self.server, "sync-ann@example.com")
        bob = ApiUser(self.server, "sync-bob@example.com")
        ann.create(title="ann's")
        self.assertEqual(follow(bob)[0], [])
        # A cursor carries no user: bob's own log is what he gets with ann's cursor.
        _, ann_cursor, _ = follow(ann)
        bob.create(title="bob's")
        self.assertEqual([c["memory"]["title"] for c in follow(bob)[0]], ["bob's"])
        self.assertEqual(follow(bob, ann_cursor)[0], [])

    def test_bad_parameters(self):
        user = ApiUser(self.server, "bad-sync@example.com")
        for query, status in [("since=nonsense", 400), ("since=%zz", 400), ("limit=0", 422),
                              ("limit=1001", 422), ("limit=x", 422)]:
            answer = user.call("GET", "/v1/sync?" + query)
            self.assertEqual(answer[0], status, query)


    def test_a_cursor_ahead_of_the_log_is_410_gone(self):
        user = ApiUser(self.server, "ahead-sync@example.com")
        user.create(title="one")
        _, cursor, _ = follow(user)
        self.assertEqual(follow(user, cursor)[0], [])  # current: nothing new, no error
        # The same kind of cursor, numbered far past this user's log (as after a restore).
        kind_and_seq = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        ahead = base64.urlsafe_b64encode(
            (kind_and_seq[0] + str(int(kind_and_seq[1:]) + 1000)).encode()).decode().rstrip("=")
        status, _, doc = user.call("GET", "/v1/sync?since=" + ahead)
        self.assertEqual((status, doc["error"]["code"]), (410, "gone"))
        self.assertIn("from the start", doc["error"]["message"])


class ConcurrentSyncTest(ServerTestCase):
    """Writers on several connections and a reader following the log at once."""

    WRITERS = 4
    PER_WRITER = 30

    def test_no_change_is_skipped_or_repeated_under_concurrent_writes(self):
        user = ApiUser(self.server, "busy@example.com")
        errors = []

        def write(n):
            try:
                conn = self.server.connection()
                for i in range(self.PER_WRITER):
                    doc = user.create(title="w%d-%d" % (n, i), conn=conn)
                    if i % 3 == 0:
                        status, _, _ = user.call("PUT", "/v1/memories/" + doc["id"],
                                                 {"title": "w%d-%d edited" % (n, i)},
                                                 {"If-Match": '"1"'}, conn=conn)
                        assert status == 200
                    if i % 5 == 0:
                        status, _, _ = user.call("DELETE", "/v1/memories/" + doc["id"], conn=conn)
                        assert status == 204
                conn.close()
            except Exception as e:  # reported by the main thread
                errors.append(e)

        writers = [threading.Thread(target=write, args=(n,)) for n in range(self.WRITERS)]
        for t in writers:
            t.start()
        seen, cursor = [], None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done = not any(t.is_alive() for t in writers)
            changes, cursor, more = follow(user, cursor, limit=7)
            seen += changes
            if done and not more:
                break
        for t in writers:
            t.join(30)
        self.assertEqual(errors, [])
        per_writer = self.PER_WRITER + len(range(0, self.PER_WRITER, 3)) + \
            len(range(0, self.PER_WRITER, 5))
        self.assertEqual(len(seen), self.WRITERS * per_writer)
        # Replaying the log gives each memory's history in version order, once each.
        state, versions = {}, {}
        for change in seen:
            if change["type"] == "upsert":
                memory = change["memory"]
                self.assertEqual(memory["version"], versions.get(memory["id"], 0) + 1)
                versions[memory["id"]] = memory["version"]
                state[memory["id"]] = memory
            else:
                self.assertIn(change["id"], state)
                del state[change["id"]]
        _, _, page = user.call("GET", "/v1/memories?limit=200")
        self.assertEqual({m["id"]: m for m in page["items"]}, state)


if __name__ == "__main__":
    unittest.main()
