-- POST a small memory: one SQL transaction (row, change log, sequence) per request.
wrk.method = "POST"
wrk.path = "/v1/memories"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("MINDME_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title":"Benchmark","body":"A memory of typical size: a few sentences about ' ..
           'the day, written on the phone.","tags":["bench","daily"]}'
