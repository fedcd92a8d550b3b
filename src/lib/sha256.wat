;; SHA-256 compression (FIPS 180-4, section 6.2.2) over whole 64-byte blocks, for src/lib/sha256.ts.
;; Memory: W (the message schedule, 64 words) at 0, the hash state H (8 words) at 256,
;; the round constants K at 512, the blocks to hash from 1024. Words are stored little-endian
;; (WebAssembly's order); the message is big-endian, so each loaded word is byte-swapped.
(module
  (memory (export "memory") 2)
  (func (export "blocks") (param $p i32) (param $end i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local $e i32) (local $f i32) (local $g i32) (local $h i32)
    (local $i i32) (local $x i32) (local $y i32)
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        ;; W[0..16): the block's words, byte-swapped
        (local.set $i (i32.const 0))
        (loop $load
          (local.set $x (i32.load (i32.add (local.get $p) (local.get $i))))
          (i32.store (local.get $i)
            (i32.or (i32.and (i32.rotl (local.get $x) (i32.const 8)) (i32.const 0x00ff00ff))
                    (i32.and (i32.rotr (local.get $x) (i32.const 8)) (i32.const 0xff00ff00))))
          (br_if $load (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (i32.const 64))))
        ;; W[16..64): W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]  ($i is a byte offset)
        (loop $expand
          (local.set $x (i32.load (i32.sub (local.get $i) (i32.const 60))))
          (local.set $y (i32.load (i32.sub (local.get $i) (i32.const 8))))
          (i32.store (local.get $i)
            (i32.add
              (i32.add (i32.load (i32.sub (local.get $i) (i32.const 64))) (i32.load (i32.sub (local.get $i) (i32.const 28))))
              (i32.add
                (i32.xor (i32.xor (i32.rotr (local.get $x) (i32.const 7)) (i32.rotr (local.get $x) (i32.const 18))) (i32.shr_u (local.get $x) (i32.const 3)))
                (i32.xor (i32.xor (i32.rotr (local.get $y) (i32.const 17)) (i32.rotr (local.get $y) (i32.const 19))) (i32.shr_u (local.get $y) (i32.const 10))))))
          (br_if $expand (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (i32.const 256))))
        (local.set $a (i32.load (i32.const 256)))
        (local.set $b (i32.load (i32.const 260)))
        (local.set $c (i32.load (i32.const 264)))
        (local.set $d (i32.load (i32.const 268)))
        (local.set $e (i32.load (i32.const 272)))
        (local.set $f (i32.load (i32.const 276)))
        (local.set $g (i32.load (i32.const 280)))
        (local.set $h (i32.load (i32.const 284)))
        ;; 64 rounds, eight per pass: each round renames the working variables instead of moving them
        (local.set $i (i32.const 0))
        (loop $round
          ;; round t: h += S1(e) + Ch(e, f, g) + K[t] + W[t]; d += h; h += S0(a) + Maj(a, b, c)
          (local.set $h
            (i32.add
              (i32.add (local.get $h)
                (i32.xor (i32.xor (i32.rotr (local.get $e) (i32.const 6)) (i32.rotr (local.get $e) (i32.const 11))) (i32.rotr (local.get $e) (i32.const 25))))
              (i32.add
                (i32.xor (local.get $g) (i32.and (local.get $e) (i32.xor (local.get $f) (local.get $g))))
                (i32.add (i32.load offset=512 (local.get $i)) (i32.load offset=0 (local.get $i))))))
          (local.set $d (i32.add (local.get $d) (local.get $h)))
          (local.set $h
            (i32.add (local.get $h)
              (i32.add
                (i32.xor (i32.xor (i32.rotr (local.get $a) (i32.const 2)) (i32.rotr (local.get $a) (i32.const 13))) (i32.rotr (local.get $a) (i32.const 22)))
                (i32.or (i32.and (local.get $a) (local.get $b)) (i32.and (local.get $c) (i32.or (local.get $a) (local.get $b)))))))
          ;; round t+1: g += S1(d) + Ch(d, e, f) + K[t+1] + W[t+1]; c += g; g += S0(h) + Maj(h, a, b)
          (local.set $g
            (i32.add
              (i32.add (local.get $g)
                (i32.xor (i32.xor (i32.rotr (local.get $d) (i32.const 6)) (i32.rotr (local.get $d) (i32.const 11))) (i32.rotr (local.get $d) (i32.const 25))))
              (i32.add
                (i32.xor (local.get $f) (i32.and (local.get $d) (i32.xor (local.get $e) (local.get $f))))
                (i32.add (i32.load offset=516 (local.get $i)) (i32.load offset=4 (local.get $i))))))
          (local.set $c (i32.add (local.get $c) (local.get $g)))
          (local.set $g
            (i32.add (local.get $g)
              (i32.add
                (i32.xor (i32.xor (i32.rotr (local.get $h) (i32.const 2)) (i32.rotr (local.get $h) (i32.const 13))) (i32.rotr (local.get $h) (i32.const 22)))
                (i32.or (i32.and (local.get $h) (local.get $a)) (i32.and (local.get $b) (i32.or (local.get $h) (local.get $a)))))))
          ;; round t+2: f += S1(c) + Ch(c, d, e) + K[t+2] + W[t+2]; b += f; f += S0(g) + Maj(g, h, a)
          (local.set $f
            (i32.add
              (i32.add (local.get $f)
                (i32.xor (i32.xor (i32.rotr (local.get $c) (i32.const 6)) (i32.rotr (local.get $c) (i32.const 11))) (i32.rotr (local.get $c) (i32.const 25))))
              (i32.add
                (i32.xor (local.get $e) (i32.and (local.get $c) (i32.xor (local.get $d) (local.get $e))))
                (i32.add (i32.load offset=520 (local.get $i)) (i32.load offset=8 (local.get $i))))))
          (local.set $b (i32.add (local.get $b) (local.get $f)))
          (local.set $f
            (i32.add (local.get $f)
              (i32.add
                (i32.xor (i32.xor (i32.rotr (local.get $g) (i32.const 2)) (i32.rotr (local.get $g) (i32.const 13))) (i32.rotr (local.get $g) (i32.const 22)))
                (i32.or (i32.and (local.get $g) (local.get $h)) (i32.and (local.get $a) (i32.or (local.get $g) (local.get $h)))))))
          ;; round t+3: e += S1(b) + Ch(b, c, d) + K[t+3] + W[t+3]; a += e; e += S0(f) + Maj(f, g, h)
          (local.set $e
            (i32.add
              (i32.add (local.get $e)
                (i32.xor (i32.xor (i32.rotr (local.get $b) (i32.const 6)) (i32.rotr (local.get $b) (i32.const 11))) (i32.rotr (local.get $b) (i32.const 25))))
              (i32.add
                (i32.xor (local.get $d) (i32.and (local.get $b) (i32.xor (local.get $c) (local.get $d))))
                (i32.add (i32.load offset=524 (local.get $i)) (i32.load offset=12 (local.get $i))))))
          (local.set $a (i32.add (local.get $a) (local.get $e)))
          (local.set $e
            (i32.add (local.get $e)
              (i32.add
                (i32.xor (i32.xor (i32.rotr (local.get $f) (i32.const 2)) (i32.rotr (local.get $f) (i32.const 13))) (i32.rotr (local.get $f) (i32.const 22)))
                (i32.or (i32.and (local.get $f) (local.get $g)) (i32.and (local.get $h) (i32.or (local.get $f) (local.get $g)))))))
          ;; round t+4: d += S1(a) + Ch(a, b, c) + K[t+4] + W[t+4]; h += d; d += S0(e) + Maj(e, f, g)
          (local.set $d
            (i32.add
              (i32.add (local.get $d)
                (i32.xor (i32.xor (i32.rotr (local.get $a) (i32.const 6)) (i32.rotr (local.get $a) (i32.const 11))) (i32.rotr (local.get $a) (i32.const 25))))
              (i32.add
                (i32.xor (local.get $c) (i32.and (local.get $a) (i32.xor (local.get $b) (local.get $c))))
                (i32.add (i32.load offset=528 (local.get $i)) (i32.load offset=16 (local.get $i))))))
          (local.set $h (i32.add (local.get $h) (local.get $d)))
          (local.set $d
            (i32.add (local.get $d)
              (i32.add
                (i32.xor (i32.xor (i32.rotr (local.get $e) (i32.const 2)) (i32.rotr (local.get $e) (i32.const 13))) (i32.rotr (local.get $e) (i32.const 22)))
                (i32.or (i32.and (local.get $e) (local.get $f)) (i32.and (local.get $g) (i32.or (local.get $e) (local.get $f)))))))
          ;; round t+5: c += S1(h) + Ch(h, a, b) + K[t+5] + W[t+5]; g += c; c += S0(d) + Maj(d, e, f)
          (local.set $c
            (i32.add
              (i32.add (local.get $c)
                (i32.xor (i32.xor (i32.rotr (local.get $h) (i32.const 6)) (i32.rotr (local.get $h) (i32.const 11))) (i32.rotr (local.get $h) (i32.const 25))))
              (i32.add
                (i32.xor (local.get $b) (i32.and (local.get $h) (i32.xor (local.get $a) (local.get $b))))
                (i32.add (i32.load offset=532 (local.get $i)) (i32.load offset=20 (local.get $i))))))
          (local.set $g (i32.add (local.get $g) (local.get $c)))
          (local.set $c
            (i32.add (local.get $c)
              (i32.add
                (i32.xor (i32.xor (i32.rotr (local.get $d) (i32.const 2)) (i32.rotr (local.get $d) (i32.const 13))) (i32.rotr (local.get $d) (i32.const 22)))
                (i32.or (i32.and (local.get $d) (local.get $e)) (i32.and (local.get $f) (i32.or (local.get $d) (local.get $e)))))))
          ;; round t+6: b += S1(g) + Ch(g, h, a) + K[t+6] + W[t+6]; f += b; b += S0(c) + Maj(c, d, e)
          (local.set $b
            (i32.add
              (i32.add (local.get $b)
                (i32.xor (i32.xor (i32.rotr (local.get $g) (i32.const 6)) (i32.rotr (local.get $g) (i32.const 11))) (i32.rotr (local.get $g) (i32.const 25))))
              (i32.add
                (i32.xor (local.get $a) (i32.and (local.get $g) (i32.xor (local.get $h) (local.get $a))))
                (i32.add (i32.load offset=536 (local.get $i)) (i32.load offset=24 (local.get $i))))))
          (local.set $f (i32.add (local.get $f) (local.get $b)))
          (local.set $b
            (i32.add (local.get $b)
              (i32.add
                (i32.xor (i32.xor (i32.rotr (local.get $c) (i32.const 2)) (i32.rotr (local.get $c) (i32.const 13))) (i32.rotr (local.get $c) (i32.const 22)))
                (i32.or (i32.and (local.get $c) (local.get $d)) (i32.and (local.get $e) (i32.or (local.get $c) (local.get $d)))))))
          ;; round t+7: a += S1(f) + Ch(f, g, h) + K[t+7] + W[t+7]; e += a; a += S0(b) + Maj(b, c, d)
          (local.set $a
            (i32.add
              (i32.add (local.get $a)
                (i32.xor (i32.xor (i32.rotr (local.get $f) (i32.const 6)) (i32.rotr (local.get $f) (i32.const 11))) (i32.rotr (local.get $f) (i32.const 25))))
              (i32.add
                (i32.xor (local.get $h) (i32.and (local.get $f) (i32.xor (local.get $g) (local.get $h))))
                (i32.add (i32.load offset=540 (local.get $i)) (i32.load offset=28 (local.get $i))))))
          (local.set $e (i32.add (local.get $e) (local.get $a)))
          (local.set $a
            (i32.add (local.get $a)
              (i32.add
                (i32.xor (i32.xor (i32.rotr (local.get $b) (i32.const 2)) (i32.rotr (local.get $b) (i32.const 13))) (i32.rotr (local.get $b) (i32.const 22)))
                (i32.or (i32.and (local.get $b) (local.get $c)) (i32.and (local.get $d) (i32.or (local.get $b) (local.get $c)))))))
          (br_if $round (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 32))) (i32.const 256))))
        (i32.store (i32.const 256) (i32.add (i32.load (i32.const 256)) (local.get $a)))
        (i32.store (i32.const 260) (i32.add (i32.load (i32.const 260)) (local.get $b)))
        (i32.store (i32.const 264) (i32.add (i32.load (i32.const 264)) (local.get $c)))
        (i32.store (i32.const 268) (i32.add (i32.load (i32.const 268)) (local.get $d)))
        (i32.store (i32.const 272) (i32.add (i32.load (i32.const 272)) (local.get $e)))
        (i32.store (i32.const 276) (i32.add (i32.load (i32.const 276)) (local.get $f)))
        (i32.store (i32.const 280) (i32.add (i32.load (i32.const 280)) (local.get $g)))
        (i32.store (i32.const 284) (i32.add (i32.load (i32.const 284)) (local.get $h)))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $block))))
  ;; K: the first 32 bits of the fractional parts of the cube roots of the first 64 primes
  (data (i32.const 512)
    "\98\2f\8a\42\91\44\37\71\cf\fb\c0\b5\a5\db\b5\e9"
    "\5b\c2\56\39\f1\11\f1\59\a4\82\3f\92\d5\5e\1c\ab"
    "\98\aa\07\d8\01\5b\83\12\be\85\31\24\c3\7d\0c\55"
    "\74\5d\be\72\fe\b1\de\80\a7\06\dc\9b\74\f1\9b\c1"
    "\c1\69\9b\e4\86\47\be\ef\c6\9d\c1\0f\cc\a1\0c\24"
    "\6f\2c\e9\2d\aa\84\74\4a\dc\a9\b0\5c\da\88\f9\76"
    "\52\51\3e\98\6d\c6\31\a8\c8\27\03\b0\c7\7f\59\bf"
    "\f3\0b\e0\c6\47\91\a7\d5\51\63\ca\06\67\29\29\14"
    "\85\0a\b7\27\38\21\1b\2e\fc\6d\2c\4d\13\0d\38\53"
    "\54\73\0a\65\bb\0a\6a\76\2e\c9\c2\81\85\2c\72\92"
    "\a1\e8\bf\a2\4b\66\1a\a8\70\8b\4b\c2\a3\51\6c\c7"
    "\19\e8\92\d1\24\06\99\d6\85\35\0e\f4\70\a0\6a\10"
    "\16\c1\a4\19\08\6c\37\1e\4c\77\48\27\b5\bc\b0\34"
    "\b3\0c\1c\39\4a\aa\d8\4e\4f\ca\9c\5b\f3\6f\2e\68"
    "\ee\82\8f\74\6f\63\a5\78\14\78\c8\84\08\02\c7\8c"
    "\fa\ff\be\90\eb\6c\50\a4\f7\a3\f9\be\f2\78\71\c6"
  ))
