#pragma once
// What becomes of an uploaded file: a JPEG thumbnail of an image (longest side at
// most 256 px), the text of a PDF or a text file. process_file runs inside the
// sandbox process (`mindme process-file`, started by run_sandboxed) so that a hostile
// file can at worst end that process; run_sandboxed is what the files runner calls.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mindme::files {

enum class FileKind { kImage, kPdf, kText, kOther };
// From the sniffed MIME type.
FileKind kind_of(const std::string& content_type);
const char* kind_name(FileKind kind);

struct ProcessRequest {
    FileKind kind = FileKind::kOther;
    std::string input;          // the file's bytes, at a local path
    std::string thumbnail_out;  // where the JPEG goes (images)
    std::string text_out;       // where the UTF-8 text goes (PDF, text)
    std::uint64_t max_pixels = 100'000'000;
    std::uint64_t max_text_bytes = 1 << 20;
};

struct ProcessResult {
    bool thumbnail = false;
    std::int64_t text_chars = 0;
    std::string error;  // non-empty: the file is refused, and why
};

// The work itself (in the sandbox process).
ProcessResult process_file(const ProcessRequest& request);

struct SandboxLimits {
    std::chrono::seconds time{30};             // wall clock; then SIGKILL
    std::uint64_t memory_bytes = 1ull << 30;   // address space (not under sanitizers)
    std::uint64_t output_bytes = 64ull << 20;  // largest file it may write
};

// Runs `self process-file ...` (self: this executable) under the limits and returns
// what it reported, or why it failed (crashed, killed, too slow). Blocking.
ProcessResult run_sandboxed(const std::string& self, const ProcessRequest& request,
                            const SandboxLimits& limits);

// The sandbox process's side: the arguments run_sandboxed passes, parsed back.
std::vector<std::string> sandbox_arguments(const ProcessRequest& request);
ProcessRequest parse_sandbox_arguments(const std::vector<std::string>& args);
// The one line the sandbox process prints for run_sandboxed to read.
std::string result_line(const ProcessResult& result);

}  // namespace mindme::files
