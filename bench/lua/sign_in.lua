-- POST /v1/sessions: an argon2id verification and a session insert per request.
wrk.method = "POST"
wrk.path = "/v1/sessions"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"' .. os.getenv("MINDME_EMAIL") .. '","password":"' ..
           os.getenv("MINDME_PASSWORD") .. '"}'
