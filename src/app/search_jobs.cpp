#include "app/search_jobs.hpp"

#include "core/errors.hpp"
#include "store/outbox.hpp"

namespace mindme::app {

namespace {
constexpr std::chrono::seconds kStoreTimeout{30};
}  // namespace

queue::JobHandler memory_indexer(store::MemoryStore& memories, search::SearchIndex& index) {
    return [&memories, &index](const queue::Job& job) -> boost::asio::awaitable<void> {
        auto [user_id, id] = store::parse_entity_payload(job.payload);
        auto memory =
            co_await memories.find(user_id, id, std::chrono::steady_clock::now() + kStoreTimeout);
        if (!memory) {
            std::string kind = "memory";  // named: GCC 12 and temporaries in co_await
            co_await index.remove(std::move(kind), std::move(id));
            co_return;
        }
        search::Document doc{"memory", memory->id, memory->user_id, memory->title, memory->body};
        for (const auto& tag : memory->tags) doc.text += "\n" + tag;
        co_await index.upsert(std::move(doc));
    };
}

queue::JobHandler deferring_when_unavailable(queue::JobHandler handler) {
    return [handler = std::move(handler)](const queue::Job& job) -> boost::asio::awaitable<void> {
        std::string unavailable;
        try {
            co_await handler(job);
        } catch (const search::IndexUnavailable& e) {
            unavailable = e.what();
        } catch (const core::ApiError& e) {
            if (e.code() != core::ErrorCode::kUnavailable) throw;
            unavailable = e.what();
        }
        if (!unavailable.empty()) throw queue::RetryLater(unavailable);
    };
}

}  // namespace mindme::app
