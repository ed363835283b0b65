// idsync-sim: placeholder until the server lands.
#include <cstdio>
int main() {
  std::fputs("idsync-sim: not built yet\n", stderr);
  return 1;
}
