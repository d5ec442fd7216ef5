#include "files/ingest.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace mindme::files {
namespace {

class IngestTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("mindme-ingest-" + std::to_string(::getpid()));
        blobs_ = make_local_blob_store(dir_.string());
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
    std::unique_ptr<BlobStore> blobs_;
};

TEST_F(IngestTest, HashesAndSniffsWhatArrivesInPieces) {
    Ingest in(*blobs_, "f1");
    std::string text = "hello world\n";
    in.add(text.data(), 5);
    in.add(text.data() + 5, text.size() - 5);
    auto r = in.finish();
    EXPECT_EQ(r.size, text.size());
    // sha256("hello world\n")
    EXPECT_EQ(r.sha256, "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447");
    EXPECT_EQ(r.content_type, "text/plain");
    EXPECT_TRUE(blobs_->open("f1"));
}

TEST_F(IngestTest, TheTypeComesFromTheBytesNotTheName) {
    const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
    EXPECT_EQ(sniff_content_type(png, sizeof png - 1), "image/png");
    const char pdf[] = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n";
    EXPECT_EQ(sniff_content_type(pdf, sizeof pdf - 1), "application/pdf");
    // An empty archive: the end-of-central-directory record alone.
    const char zip[] = "PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    EXPECT_EQ(sniff_content_type(zip, sizeof zip - 1), "application/zip");
}

TEST_F(IngestTest, AnAbandonedIngestLeavesNoBlob) {
    {
        Ingest in(*blobs_, "gone");
        in.add("abc", 3);
    }
    EXPECT_FALSE(blobs_->open("gone"));
}

}  // namespace
}  // namespace mindme::files
