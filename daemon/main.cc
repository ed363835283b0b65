// idsync: thin entry point; everything lives in the layers (see README "Where things live").
// The one Env of the process is built here and passed down (daemon/env.h).
#include "daemon/cli/commands.h"
#include "daemon/env.h"

int main(int argc, char** argv) {
  std::unique_ptr<idsync::Env> env = idsync::SystemEnv();
  return idsync::RunCli(argc, argv, *env);
}
