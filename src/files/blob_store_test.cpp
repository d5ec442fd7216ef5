// The BlobStore conformance suite (the object-storage backend will run it too).
#include "files/blob_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

namespace mindme::files {
namespace {

struct Backend {
    std::unique_ptr<BlobStore> store;
    std::function<void()> cleanup;
};

Backend local_backend() {
    static int serial = 0;
    auto dir = std::filesystem::temp_directory_path() /
               ("mindme-blobs-" + std::to_string(::getpid()) + "-" + std::to_string(++serial));
    return {make_local_blob_store(dir.string()), [dir] { std::filesystem::remove_all(dir); }};
}

std::string read_all(const OpenBlob& blob) {
    std::string out(blob.size, '\0');
    auto n = ::pread(blob.fd, out.data(), out.size(), 0);
    ::close(blob.fd);
    out.resize(static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    return out;
}

class BlobStoreConformance : public ::testing::TestWithParam<Backend (*)()> {
protected:
    void SetUp() override { b_ = GetParam()(); }
    void TearDown() override {
        b_.store.reset();
        b_.cleanup();
    }
    void put(const std::string& key, const std::string& data) {
        auto w = b_.store->create(key);
        w->write(data.data(), data.size());
        w->commit();
    }
    Backend b_;
};

TEST_P(BlobStoreConformance, WritesInPiecesAndReadsBackExactly) {
    std::string data;
    for (int i = 0; i < 300'000; ++i) data += static_cast<char>(i * 7);
    auto w = b_.store->create("abc123");
    for (std::size_t at = 0; at < data.size(); at += 65536)
        w->write(data.data() + at, std::min<std::size_t>(65536, data.size() - at));
    w->commit();
    auto blob = b_.store->open("abc123");
    ASSERT_TRUE(blob);
    EXPECT_EQ(blob->size, data.size());
    EXPECT_EQ(read_all(*blob), data);
}

TEST_P(BlobStoreConformance, AnUncommittedBlobLeavesNothing) {
    {
        auto w = b_.store->create("partial");
        w->write("half", 4);
    }
    EXPECT_FALSE(b_.store->open("partial"));
    put("partial", "whole");
    EXPECT_EQ(read_all(*b_.store->open("partial")), "whole");
}

TEST_P(BlobStoreConformance, RemoveAndReplace) {
    put("k1", "one");
    put("k1", "two");  // replaced whole
    EXPECT_EQ(read_all(*b_.store->open("k1")), "two");
    EXPECT_TRUE(b_.store->remove("k1"));
    EXPECT_FALSE(b_.store->remove("k1"));
    EXPECT_FALSE(b_.store->open("k1"));
}

TEST_P(BlobStoreConformance, KeysThatCouldEscapeAreRefused) {
    for (auto key : {"", "../x", "a/b", ".hidden", "a b", "x\n"})
        EXPECT_THROW(b_.store->create(key), std::invalid_argument) << key;
    EXPECT_THROW(b_.store->open("../../etc/passwd"), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Local, BlobStoreConformance, ::testing::Values(&local_backend),
                         [](const auto&) { return std::string("local"); });

}  // namespace
}  // namespace mindme::files
