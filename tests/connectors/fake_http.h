// A scripted HttpClient for tests: answers from a queue, records every request.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "connectors/http/http_client.h"

namespace idsync::testing {

inline HttpResponse Answer(int status, std::string body, HttpHeaders headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

class FakeHttpClient : public HttpClient {
 public:
  void Push(StatusOr<HttpResponse> outcome) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(outcome));
  }

  StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    if (script_.empty()) return Internal("FakeHttpClient: no answer scripted");
    StatusOr<HttpResponse> next = std::move(script_.front());
    script_.pop_front();
    return next;
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::size_t remaining() const {
    std::lock_guard lock(mu_);
    return script_.size();
  }

 private:
  mutable std::mutex mu_;
  std::deque<StatusOr<HttpResponse>> script_;
  std::vector<HttpRequest> requests_;
};

}  // namespace idsync::testing
