// Fuzz target: the plan renderer (reconcile/render.h) fed with plans decoded from the
// input by FuzzedDataProvider: any number of platforms and actions, every verb and
// disposition, arbitrary strings (control bytes, invalid UTF-8) in every field.
// Every format must render without crashing or throwing; the JSON format must be JSON.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "reconcile/plan.h"
#include "reconcile/render.h"

namespace {

using idsync::Action;
using idsync::Disposition;
using idsync::Grants;
using idsync::Plan;
using idsync::PlatformPlan;
using idsync::PlatformType;
using idsync::Status;
using idsync::StatusCode;
using idsync::Verb;

std::string Text(FuzzedDataProvider& in) { return in.ConsumeRandomLengthString(48); }

Grants DecodeGrants(FuzzedDataProvider& in) {
  Grants g;
  if (in.ConsumeBool()) g.single = Text(in);
  for (int n = in.ConsumeIntegralInRange(0, 3); n > 0; --n) g.scoped[Text(in)] = Text(in);
  for (int n = in.ConsumeIntegralInRange(0, 3); n > 0; --n) g.set.insert(Text(in));
  return g;
}

Action DecodeAction(FuzzedDataProvider& in, const std::string& platform) {
  Action a;
  a.platform = in.ConsumeBool() ? platform : Text(in);
  a.email = Text(in);
  a.verb = static_cast<Verb>(in.ConsumeIntegralInRange<int>(0, static_cast<int>(Verb::kRemove)));
  a.user_id = Text(in);
  a.before = DecodeGrants(in);
  a.after = DecodeGrants(in);
  a.profile.email_as_written = Text(in);
  if (in.ConsumeBool()) a.profile.name = Text(in);
  if (in.ConsumeBool()) a.profile.given_name = Text(in);
  if (in.ConsumeBool()) a.profile.family_name = Text(in);
  if (in.ConsumeBool()) a.profile.external_id = Text(in);
  a.reason = Text(in);
  a.disposition = static_cast<Disposition>(
      in.ConsumeIntegralInRange<int>(0, static_cast<int>(Disposition::kHeld)));
  a.drift = in.ConsumeBool();
  return a;
}

Plan DecodePlan(FuzzedDataProvider& in) {
  Plan plan;
  for (int p = in.ConsumeIntegralInRange(0, 4); p > 0; --p) {
    PlatformPlan pp;
    pp.platform = Text(in);
    pp.type = static_cast<PlatformType>(
        in.ConsumeIntegralInRange<int>(0, static_cast<int>(PlatformType::kScim)));
    for (int n = in.ConsumeIntegralInRange(0, 12); n > 0; --n) pp.actions.push_back(DecodeAction(in, pp.platform));
    for (int n = in.ConsumeIntegralInRange(0, 3); n > 0; --n) pp.unmanaged.push_back(Text(in));
    pp.blocked = in.ConsumeBool();
    if (pp.blocked || in.ConsumeBool()) pp.blocked_reason = Text(in);
    if (in.ConsumeBool()) pp.error = Status(StatusCode::kUnknown, Text(in));
    pp.desired = in.ConsumeIntegral<std::size_t>();
    pp.live = in.ConsumeIntegral<std::size_t>();
    pp.managed = in.ConsumeIntegral<std::size_t>();
    plan.platforms.push_back(std::move(pp));
  }
  return plan;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const bool color = in.ConsumeBool();
  const Plan plan = DecodePlan(in);
  (void)idsync::Render(plan, idsync::Format::kText, {color});
  (void)idsync::Render(plan, idsync::Format::kMarkdown, {color});
  const std::string json = idsync::Render(plan, idsync::Format::kJson, {color});
  if (!nlohmann::json::accept(json)) std::abort();  // PLAN_FORMAT.md: the output is JSON
  return 0;
}
