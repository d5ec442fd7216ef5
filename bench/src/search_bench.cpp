// Search queries per second on a 100k-document index: MindMe's SearchIndex (Xapian)
// against SQLite FTS5 on the same corpus and queries, in one process, one thread,
// one query at a time. Both rank (BM25), filter to one user and make a snippet.
//   mindme_search_bench [DOCUMENTS] [QUERIES] [WORK_DIR]
// Prints one line per engine: name, index seconds, queries per second, mean hits.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/await_now.hpp"
#include "search/search.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kUsers = 100;
constexpr int kVocabulary = 20'000;
constexpr int kBodyWords = 60;
constexpr int kTitleWords = 5;
constexpr std::size_t kLimit = 20;

// Pronounceable synthetic words; rank r is drawn with Zipf-like frequency.
std::string word(int r) {
    static const char* syllables[] = {"ka", "lo", "mi", "ne", "su", "ta", "ri", "po",
                                      "ve", "da", "ju", "fe", "go", "hi", "ba", "zo"};
    std::string w;
    do {
        w += syllables[r % 16];
        r /= 16;
    } while (r > 0);
    return w + "n";
}

struct Corpus {
    std::vector<mindme::search::Document> docs;
    std::vector<std::pair<std::string, std::string>> queries;  // user, words
};

Corpus make_corpus(int documents, int queries) {
    std::mt19937_64 rng(42);
    std::vector<double> weights(kVocabulary);
    for (int r = 0; r < kVocabulary; ++r) weights[r] = 1.0 / (r + 1);
    std::discrete_distribution<int> zipf(weights.begin(), weights.end());
    Corpus c;
    for (int i = 0; i < documents; ++i) {
        mindme::search::Document d;
        d.kind = "memory";
        d.id = "m" + std::to_string(i);
        d.user_id = "u" + std::to_string(i % kUsers);
        for (int w = 0; w < kTitleWords; ++w) d.title += (w ? " " : "") + word(zipf(rng));
        for (int w = 0; w < kBodyWords; ++w) d.text += (w ? " " : "") + word(zipf(rng));
        c.docs.push_back(std::move(d));
    }
    // Mid-frequency words, one or two per query: what people look for.
    std::uniform_int_distribution<int> mid(50, 2000);
    std::uniform_int_distribution<int> user(0, kUsers - 1);
    for (int q = 0; q < queries; ++q) {
        auto words = word(mid(rng));
        if (q % 2) words += " " + word(mid(rng) / 4);
        c.queries.emplace_back("u" + std::to_string(user(rng)), words);
    }
    return c;
}

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

void check(int rc, sqlite3* db, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

void bench_xapian(const Corpus& c, const std::string& dir) {
    mindme::search::XapianOptions o;
    o.path = dir + "/xapian";
    o.readers = 1;
    auto index = mindme::search::make_xapian_index(o);
    auto t0 = Clock::now();
    for (std::size_t at = 0; at < c.docs.size(); at += 5000) {
        std::vector<mindme::search::Document> batch(
            c.docs.begin() + static_cast<long>(at),
            c.docs.begin() + static_cast<long>(std::min(at + 5000, c.docs.size())));
        mindme::core::await_now(index->upsert_many(std::move(batch)));
    }
    double index_s = seconds_since(t0);
    std::size_t hits = 0;
    auto t1 = Clock::now();
    for (const auto& [user, words] : c.queries)
        hits += mindme::core::await_now(index->search(user, words, kLimit)).size();
    double qps = static_cast<double>(c.queries.size()) / seconds_since(t1);
    std::printf("xapian %.2f %.1f %.2f\n", index_s, qps,
                static_cast<double>(hits) / static_cast<double>(c.queries.size()));
}

void bench_fts5(const Corpus& c, const std::string& dir) {
    sqlite3* db = nullptr;
    check(sqlite3_open((dir + "/fts5.db").c_str(), &db), db, "open");
    check(sqlite3_exec(db,
                       "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                       "CREATE VIRTUAL TABLE docs USING fts5(user, id UNINDEXED, title, body, "
                       "tokenize='porter')",
                       nullptr, nullptr, nullptr),
          db, "create");
    auto t0 = Clock::now();
    sqlite3_stmt* insert = nullptr;
    check(sqlite3_prepare_v2(db, "INSERT INTO docs VALUES (?, ?, ?, ?)", -1, &insert, nullptr), db,
          "prepare insert");
    check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
    for (const auto& d : c.docs) {
        sqlite3_bind_text(insert, 1, d.user_id.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 2, d.id.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 3, d.title.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 4, d.text.c_str(), -1, SQLITE_STATIC);
        check(sqlite3_step(insert), db, "insert");
        sqlite3_reset(insert);
    }
    check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
    sqlite3_finalize(insert);
    double index_s = seconds_since(t0);

    // Title weighted 3×, as the Xapian index weights it.
    sqlite3_stmt* query = nullptr;
    check(sqlite3_prepare_v2(db,
                             "SELECT id, title, snippet(docs, 3, '<mark>', '</mark>', '…', 24), "
                             "bm25(docs, 0, 0, 3, 1) AS score FROM docs WHERE docs MATCH ? "
                             "ORDER BY score LIMIT 20",
                             -1, &query, nullptr),
          db, "prepare query");
    std::size_t hits = 0;
    auto t1 = Clock::now();
    for (const auto& [user, words] : c.queries) {
        std::string match = "user : " + user + " AND (" + words + ")";
        sqlite3_bind_text(query, 1, match.c_str(), -1, SQLITE_TRANSIENT);
        while (sqlite3_step(query) == SQLITE_ROW) {
            // Read the columns, as a server would to answer.
            for (int col = 0; col < 3; ++col) (void)sqlite3_column_text(query, col);
            ++hits;
        }
        sqlite3_reset(query);
    }
    double qps = static_cast<double>(c.queries.size()) / seconds_since(t1);
    sqlite3_finalize(query);
    sqlite3_close(db);
    std::printf("fts5 %.2f %.1f %.2f\n", index_s, qps,
                static_cast<double>(hits) / static_cast<double>(c.queries.size()));
}

}  // namespace

int main(int argc, char** argv) {
    int documents = argc > 1 ? std::stoi(argv[1]) : 100'000;
    int queries = argc > 2 ? std::stoi(argv[2]) : 2'000;
    std::string dir = argc > 3 ? argv[3] : "/tmp/mindme-search-bench";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto corpus = make_corpus(documents, queries);
    bench_xapian(corpus, dir);
    bench_fts5(corpus, dir);
    std::filesystem::remove_all(dir);
    return 0;
}
