-- GET one memory with the bearer token of its owner (cached after the first read).
wrk.method = "GET"
wrk.path = "/v1/memories/" .. os.getenv("MINDME_MEMORY")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("MINDME_TOKEN")
