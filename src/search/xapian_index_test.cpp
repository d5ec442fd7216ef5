// The Xapian backend when its process runs out of file descriptors mid-write: the write
// fails as "unavailable" (the environment's fault, not the document's), the index says so
// in health(), and once descriptors are back it writes again — nothing stays broken.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>
#include <vector>

#include "search/search.hpp"

namespace mindme::search {
namespace {

// Like core::await_now, on one io_context made before any shortage (a new one needs
// descriptors of its own).
template <class T>
T run_on(boost::asio::io_context& ioc, boost::asio::awaitable<T> work) {
    auto future = boost::asio::co_spawn(ioc, std::move(work), boost::asio::use_future);
    ioc.restart();
    ioc.run();
    return future.get();
}

// Holds every free descriptor below a low soft limit until destroyed.
class DescriptorShortage {
public:
    DescriptorShortage() {
        getrlimit(RLIMIT_NOFILE, &saved_);
        rlimit low = saved_;
        low.rlim_cur = 256;
        setrlimit(RLIMIT_NOFILE, &low);
        for (int i = 0; i < 300; ++i) {
            int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (fd < 0) break;
            held_.push_back(fd);
        }
    }
    ~DescriptorShortage() {
        for (int fd : held_) ::close(fd);
        setrlimit(RLIMIT_NOFILE, &saved_);
    }

private:
    rlimit saved_{};
    std::vector<int> held_;
};

TEST(XapianIndex, AWriteFailingForWantOfDescriptorsLeavesTheIndexWorking) {
    auto dir =
        std::filesystem::temp_directory_path() / ("mindme-xapian-fd-" + std::to_string(::getpid()));
    XapianOptions o;
    o.path = dir.string();
    o.commit_interval = std::chrono::milliseconds(1);
    auto index = make_xapian_index(o);
    boost::asio::io_context ioc;
    // The reactor (an epoll and an eventfd) comes with the first timer: made now.
    boost::asio::steady_timer warm(ioc, std::chrono::milliseconds(1));
    warm.wait();
    run_on(ioc, index->upsert({"memory", "m1", "ann", "first", "apples"}));
    EXPECT_EQ(index->health(), "");
    {
        DescriptorShortage shortage;
        // The write needs new files (a fresh revision's tables): it fails, as unavailable.
        bool failed = false;
        for (int i = 0; i < 20 && !failed; ++i) {
            try {
                run_on(ioc, index->upsert({"memory", "m" + std::to_string(100 + i), "ann", "during",
                                           "pears"}));
            } catch (const IndexUnavailable&) {
                failed = true;
            }
        }
        EXPECT_TRUE(failed) << "the shortage did not reach the index";
        EXPECT_NE(index->health(), "");
    }
    // Descriptors are back: writes and queries work again on the same object.
    run_on(ioc, index->upsert({"memory", "m2", "ann", "after", "plums"}));
    EXPECT_EQ(index->health(), "");
    EXPECT_EQ(run_on(ioc, index->search("ann", "plums", 10)).size(), 1u);
    EXPECT_EQ(run_on(ioc, index->search("ann", "apples", 10)).size(), 1u);
    index.reset();
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mindme::search
