#include "config/groups.h"

namespace idsync {
namespace {

// Walks every group depth-first, children in list order, with an explicit stack so a
// deep nesting cannot overflow the call stack. `on_back(stack, edge)`: `edge` of the
// top group names a group on the current path; `on_done(group)`: every child done.
struct Frame {
  const Group* group;
  std::size_t next = 0;
};

template <typename Back, typename Done>
void Walk(const std::map<std::string, Group>& groups, Back on_back, Done on_done) {
  enum State { kNew, kOnPath, kDone };
  std::map<std::string, State> state;
  for (const auto& [name, root] : groups) {
    if (state[name] != kNew) continue;
    std::vector<Frame> stack{{&root}};
    state[name] = kOnPath;
    while (!stack.empty()) {
      Frame& top = stack.back();
      if (top.next == top.group->groups.size()) {
        state[top.group->name] = kDone;
        on_done(*top.group);
        stack.pop_back();
        continue;
      }
      const Membership& edge = top.group->groups[top.next++];
      auto child = groups.find(edge.name);
      if (child == groups.end()) continue;
      State& s = state[edge.name];
      if (s == kOnPath) {
        on_back(stack, edge);
      } else if (s == kNew) {
        s = kOnPath;
        stack.push_back({&child->second});
      }
    }
  }
}

}  // namespace

std::vector<GroupCycle> FindGroupCycles(const std::map<std::string, Group>& groups) {
  std::vector<GroupCycle> out;
  Walk(
      groups,
      [&out](const std::vector<Frame>& stack, const Membership& edge) {
        std::size_t first = stack.size();
        while (first > 0 && stack[first - 1].group->name != edge.name) --first;
        GroupCycle cycle;
        for (std::size_t i = first - 1; i < stack.size(); ++i) {
          cycle.groups.push_back(stack[i].group->name);
          cycle.edges.push_back(stack[i].group->groups[stack[i].next - 1].mark);
        }
        out.push_back(std::move(cycle));
      },
      [](const Group&) {});
  return out;
}

std::string Describe(const GroupCycle& cycle) {
  std::string out = "group cycle: " + cycle.groups.front();
  for (std::size_t i = 0; i < cycle.groups.size(); ++i) {
    const std::string& to = cycle.groups[(i + 1) % cycle.groups.size()];
    out += " \u2192 " + to + " (" + ToString(cycle.edges[i]) + ")";
  }
  return out;
}

GroupRoles::GroupRoles(const std::map<std::string, Group>& groups) {
  Walk(
      groups, [](const std::vector<Frame>&, const Membership&) {},
      [this](const Group& group) {
        auto& mine = roles_[group.name];
        for (const auto& role : group.roles) mine.emplace(role, "");
        for (const auto& child : group.groups) {
          auto it = roles_.find(child.name);
          if (it == roles_.end() || it->first == group.name) continue;  // unknown, or a cycle
          for (const auto& entry : it->second) mine.emplace(entry.first, child.name);
        }
      });
}

const std::map<std::string, std::string>* GroupRoles::Of(const std::string& group) const {
  auto it = roles_.find(group);
  return it == roles_.end() ? nullptr : &it->second;
}

std::vector<std::string> GroupRoles::Path(const std::string& group, const std::string& role) const {
  std::vector<std::string> path{group};
  for (;;) {
    const auto* roles = Of(path.back());
    if (!roles) return path;
    auto it = roles->find(role);
    if (it == roles->end() || it->second.empty()) return path;
    path.push_back(it->second);
  }
}

std::string JoinPath(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& g : path) out += (out.empty() ? "" : " > ") + g;
  return out;
}

std::string ShortPath(const std::vector<std::string>& path, std::size_t keep) {
  if (path.size() <= 2 * keep + 1) return JoinPath(path);
  std::vector<std::string> head(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(keep));
  std::vector<std::string> tail(path.end() - static_cast<std::ptrdiff_t>(keep), path.end());
  return JoinPath(head) + " > \u2026 " + std::to_string(path.size() - 2 * keep) + " more \u2026 > " +
         JoinPath(tail);
}

}  // namespace idsync
