#include "sim/scim/scim.h"

namespace idsync::sim {
namespace {

class UnbuiltScim final : public Platform {
 public:
  std::string name() const override { return "scim"; }
  std::string Seed(const YAML::Node& section) override {
    return section && !section.IsNull() ? "seed: platform scim is not simulated yet" : "";
  }
  void RegisterRoutes(httplib::Server&) override {}
  nlohmann::json DumpState() const override { return nlohmann::json::object(); }
  void Reset() override {}
  ControlAnswer Control(std::string_view, const nlohmann::json&) override {
    return ControlAnswer::Error(404, "platform scim is not simulated yet");
  }
  nlohmann::json Counters() const override { return nlohmann::json::object(); }
  void ResetCounters() override {}
};

}  // namespace

std::unique_ptr<Platform> MakeScimPlatform() { return std::make_unique<UnbuiltScim>(); }

}  // namespace idsync::sim
