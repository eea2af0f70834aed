package io.k8spacket.agent.bpf;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads BPF Type Format records through libbpf: the members of a struct (for the layout test that holds the Java
 * decoder to the C header) and the variables of a data section (to find {@code .rodata} knobs by name instead
 * of hard-coding their offsets).
 *
 * <p>{@code struct btf_type} is {@code u32 name_off; u32 info; u32 size_or_type} (12 bytes) followed, for
 * structs, by {@code vlen} × {@code struct btf_member {u32 name_off; u32 type; u32 offset}} and, for data
 * sections, by {@code vlen} × {@code struct btf_var_secinfo {u32 type; u32 offset; u32 size}}.
 */
public final class Btf {
  private static final int TYPE_BYTES = 12;
  private static final int ENTRY_BYTES = 12;

  /** One struct member; {@code offset} and {@code size} in bytes. */
  public record Member(String name, int offset, int size) {}

  /** One variable of a data section; {@code offset} and {@code size} in bytes. */
  public record Variable(String name, int offset, int size) {}

  /** A struct with its total size and members in declaration order. */
  public record Struct(String name, int size, List<Member> members) {}

  private final LibBpf lib;
  private final Pointer btf;

  /** Wraps a {@code struct btf *} owned by someone else (for example the BPF object). */
  public Btf(LibBpf lib, Pointer btf) {
    this.lib = lib;
    this.btf = btf;
  }

  /** The struct named {@code name}, if the BTF has one. */
  public Optional<Struct> struct(String name) {
    int id = lib.btf__find_by_name_kind(btf, name, LibBpf.BTF_KIND_STRUCT);
    if (id <= 0) {
      return Optional.empty();
    }
    Pointer type = lib.btf__type_by_id(btf, id);
    int info = type.getInt(4);
    int vlen = info & 0xffff;
    boolean bitfieldOffsets = info < 0; // kind_flag: offset = bitfield size << 24 | bit offset
    List<Member> members = new ArrayList<>(vlen);
    for (int i = 0; i < vlen; i++) {
      long at = TYPE_BYTES + (long) i * ENTRY_BYTES;
      String memberName = lib.btf__name_by_offset(btf, type.getInt(at));
      int memberType = type.getInt(at + 4);
      int bitOffset = type.getInt(at + 8) & (bitfieldOffsets ? 0xffffff : -1);
      if (bitOffset % 8 != 0) {
        throw new IllegalStateException(name + "." + memberName + " is a bitfield; the agent supports bytes only");
      }
      members.add(new Member(memberName, bitOffset / 8, (int) lib.btf__resolve_size(btf, memberType)));
    }
    return Optional.of(new Struct(name, type.getInt(8), List.copyOf(members)));
  }

  /** The variable {@code variable} of data section {@code section} (e.g. ".rodata"), if present. */
  public Optional<Variable> variable(String section, String variable) {
    int id = lib.btf__find_by_name_kind(btf, section, LibBpf.BTF_KIND_DATASEC);
    if (id <= 0) {
      return Optional.empty();
    }
    Pointer type = lib.btf__type_by_id(btf, id);
    int vlen = type.getInt(4) & 0xffff;
    for (int i = 0; i < vlen; i++) {
      long at = TYPE_BYTES + (long) i * ENTRY_BYTES;
      Pointer var = lib.btf__type_by_id(btf, type.getInt(at));
      String varName = lib.btf__name_by_offset(btf, var.getInt(0));
      if (variable.equals(varName)) {
        return Optional.of(new Variable(varName, type.getInt(at + 4), type.getInt(at + 8)));
      }
    }
    return Optional.empty();
  }
}
