// run_sandboxed against stand-in programs: what it reports when the processing
// process is too slow, crashes, or prints nothing sensible.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "files/processor.hpp"

namespace mindme::files {
namespace {

class SandboxTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("mindme-sandbox-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    // A shell script standing in for `mindme` (it gets `process-file ...` as arguments).
    std::string program(const std::string& name, const std::string& body) {
        auto path = (dir_ / name).string();
        std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
        ::chmod(path.c_str(), 0755);
        return path;
    }

    ProcessResult run(const std::string& self,
                      std::chrono::seconds time = std::chrono::seconds(5)) {
        ProcessRequest request;
        request.kind = FileKind::kText;
        request.input = "/dev/null";
        SandboxLimits limits;
        limits.time = time;
        return run_sandboxed(self, request, limits);
    }

    std::filesystem::path dir_;
};

TEST_F(SandboxTest, ReportsWhatTheProcessPrinted) {
    auto r = run(program("ok", R"(echo '{"thumbnail":true,"text_chars":12}')"));
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_TRUE(r.thumbnail);
    EXPECT_EQ(r.text_chars, 12);
    auto refused =
        run(program("refused", R"(echo '{"thumbnail":false,"text_chars":0,"error":"no"}')"));
    EXPECT_EQ(refused.error, "no");
}

TEST_F(SandboxTest, ATooSlowProcessIsKilledAtTheTimeLimit) {
    auto r = run(program("slow", "exec sleep 60"), std::chrono::seconds(1));
    EXPECT_EQ(r.error, "processing took longer than 1 s");
}

TEST_F(SandboxTest, ACrashIsAReasonNotAnException) {
    EXPECT_EQ(run(program("crash", "kill -SEGV $$")).error, "processing crashed (signal 11)");
    EXPECT_EQ(run(program("fails", "exit 3")).error, "processing failed (exit 3)");
    EXPECT_EQ(run(program("garbage", "echo not json")).error,
              "processing reported nothing readable");
    EXPECT_EQ(run((dir_ / "missing").string()).error, "processing failed (exit 127)");
}

TEST_F(SandboxTest, TheArgumentsRoundTrip) {
    ProcessRequest r{FileKind::kPdf, "/in", "/thumb.jpg", "/text.txt", 1234, 5678};
    auto back = parse_sandbox_arguments(sandbox_arguments(r));
    EXPECT_EQ(back.kind, FileKind::kPdf);
    EXPECT_EQ(back.input, "/in");
    EXPECT_EQ(back.thumbnail_out, "/thumb.jpg");
    EXPECT_EQ(back.text_out, "/text.txt");
    EXPECT_EQ(back.max_pixels, 1234u);
    EXPECT_EQ(back.max_text_bytes, 5678u);
    EXPECT_THROW(parse_sandbox_arguments({"--bogus", "x"}), std::invalid_argument);
}

}  // namespace
}  // namespace mindme::files
