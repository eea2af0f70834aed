#!/usr/bin/env bash
# Compiles every src/*.bpf.c into OUT/bpf/<name>.bpf.o and copies the libbpf shared library the agent
# bundles into OUT/native/linux-<arch>/. Run by Maven (generate-resources); OUT is target/classes.
set -euo pipefail
out=${1:?usage: build.sh OUTPUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)

need() { command -v "$1" >/dev/null || { echo "bpf/build.sh: '$1' not found; install: $2" >&2; exit 1; }; }
need clang "apt-get install clang"
need llvm-strip "apt-get install llvm"

case $(uname -m) in
  x86_64) arch=x86; jna_arch=x86-64 ;;
  aarch64) arch=arm64; jna_arch=aarch64 ;;
  *) echo "bpf/build.sh: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
multiarch=$(gcc -print-multiarch 2>/dev/null || echo "$(uname -m)-linux-gnu")
[[ -f /usr/include/bpf/bpf_helpers.h ]] || { echo "bpf/build.sh: libbpf headers missing; install: apt-get install libbpf-dev" >&2; exit 1; }

mkdir -p "$out/bpf" "$out/native/linux-$jna_arch"
for src in "$here"/src/*.bpf.c; do
  name=$(basename "$src" .c)
  clang -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_$arch \
    -I "$here/include" -I "/usr/include/$multiarch" -c "$src" -o "$out/bpf/$name.o"
  # drop DWARF, keep .BTF/.BTF.ext (CO-RE and the layout test need them)
  llvm-strip -g "$out/bpf/$name.o"
done

# The agent loads this copy by absolute path (RTLD_LOCAL), so hosts need no libbpf package.
lib=$(readlink -f "/usr/lib/$multiarch/libbpf.so.1" 2>/dev/null || true)
[[ -f $lib ]] || { echo "bpf/build.sh: libbpf.so.1 missing; install: apt-get install libbpf1 libbpf-dev" >&2; exit 1; }
cp "$lib" "$out/native/linux-$jna_arch/libbpf.so.1"
cp "$here/include/k8spacket.h" "$out/bpf/k8spacket.h"
