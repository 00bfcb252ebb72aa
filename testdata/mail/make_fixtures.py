#!/usr/bin/env python3
"""Writes the Japanese decoding fixtures of testdata/mail/.

Each .eml exercises one case mail-parser 0.11.9 gets wrong on its own.
Run from this directory: python3 make_fixtures.py. The expected decoded
values are asserted in crates/mozu-mail/tests/japanese.rs."""
import base64, urllib.parse

def sjis_to_jis(b1, b2):
    """One CP932 double-byte character to its JIS X 0208 row/cell bytes."""
    if b1 >= 0xE0: b1 -= 0x40
    row = (b1 - 0x81) * 2 + 0x21
    if b2 >= 0x9F:
        row += 1; cell = b2 - 0x7E
    else:
        cell = b2 - 0x1F - (1 if b2 >= 0x80 else 0)
    return bytes([row, cell])

def iso2022(text):
    """ISO-2022-JP as CP50221 writes it: NEC specials in row 13, half-width
    kana with ESC ( I."""
    out, mode = b"", "ascii"
    for ch in text:
        sj = ch.encode("cp932")
        if len(sj) == 1 and sj[0] < 0x80:
            want, data = "ascii", sj
        elif len(sj) == 1:
            want, data = "kana", bytes([sj[0] - 0x80])
        else:
            want, data = "jis", sjis_to_jis(sj[0], sj[1])
        if want != mode:
            out += {"ascii": b"\x1b(B", "kana": b"\x1b(I", "jis": b"\x1b$B"}[want]
            mode = want
        out += data
    if mode != "ascii": out += b"\x1b(B"
    return out

def bword(charset, raw):
    return b"=?" + charset.encode() + b"?B?" + base64.b64encode(raw) + b"?="

def write(name, headers, body=b"", ctype=b"text/plain; charset=us-ascii"):
    msg = b"".join(h + b"\r\n" for h in headers)
    msg += b"Content-Type: " + ctype + b"\r\n" if ctype else b""
    msg += b"\r\n" + body
    open(name, "wb").write(msg)

BASE = [b"Date: Mon, 31 Oct 2016 10:15:00 +0900", b"Message-ID: <fixture@mozu.test>", b"MIME-Version: 1.0",
        b"To: =?UTF-8?B?5bGx55Sw?= <taro@example.co.jp>"]

# 1. Adjacent encoded-words splitting one multibyte character.
subj = "【重要】請求書の送付について".encode("utf-8")
w1, w2 = subj[:5], subj[5:]  # 【 is 3 bytes; 重 split after 2 of 3
jis = iso2022("至急ご確認ください")
write("split-encoded-word-utf8.eml", BASE + [
    b"From: " + bword("UTF-8", "経理部".encode()[:4]) + b" " + bword("utf-8", "経理部".encode()[4:]) + b" <keiri@example.co.jp>",
    b"Subject: " + bword("UTF-8", w1) + b"\r\n " + bword("UTF-8", w2)], b"body\r\n")
write("split-encoded-word-iso2022jp.eml", BASE + [
    b"From: sender@example.co.jp",
    b"Subject: " + bword("ISO-2022-JP", jis[:6]) + b"\r\n\t" + bword("ISO-2022-JP", jis[6:])], b"body\r\n")
q = "お支払い".encode("shift_jis")
qw = lambda raw: b"=?Shift_JIS?Q?" + b"".join(b"=%02X" % c for c in raw) + b"?="
write("split-encoded-word-q.eml", BASE + [b"From: a@example.jp", b"Subject: " + qw(q[:3]) + b" " + qw(q[3:])], b"x\r\n")
# Base64 split mid-quantum (length not a multiple of 4 in the first word).
b64 = base64.b64encode("パスワードのお知らせ".encode("utf-8"))
write("split-base64-quantum.eml", BASE + [b"From: a@example.jp",
    b"Subject: =?UTF-8?B?" + b64[:10] + b"?= =?UTF-8?B?" + b64[10:] + b"?="], b"x\r\n")

# 2. RFC 2231 continuations splitting a character.
fname = "請求書_2019年10月.doc".encode("utf-8")
pct = urllib.parse.quote_from_bytes(fname, safe="")
cut = pct.index("%", 7) + 3  # inside 求 (bytes 4..6)
mp = (b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\xe6\xb7\xbb\xe4\xbb\x98\xe3\x82\x92\xe3\x81\x94\xe7\xa2\xba\xe8\xaa\x8d\xe3\x81\x8f\xe3\x81\xa0\xe3\x81\x95\xe3\x81\x84\r\n"
      b"--b1\r\nContent-Type: application/msword\r\nContent-Transfer-Encoding: base64\r\n"
      b"Content-Disposition: attachment;\r\n filename*0*=UTF-8''" + pct[:cut].encode() + b";\r\n filename*1*=" + pct[cut:].encode() + b"\r\n\r\n"
      + base64.b64encode(b"\xd0\xcf\x11\xe0 not a real document") + b"\r\n--b1--\r\n")
write("rfc2231-continuation.eml", BASE + [b"From: a@example.jp", b"Subject: rfc2231"], mp, b'multipart/mixed; boundary="b1"')
jisname = iso2022("見積書.xls")
ew = bword("ISO-2022-JP", jisname)
mp2 = (b"--b2\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b2\r\nContent-Type: application/vnd.ms-excel;\r\n name*0=\"" + ew[:20] + b"\";\r\n name*1=\"" + ew[20:] + b"\"\r\n"
       b"Content-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b2--\r\n")
write("rfc2231-split-encoded-word.eml", BASE + [b"From: a@example.jp", b"Subject: split name"], mp2, b'multipart/mixed; boundary="b2"')

# 3. Charset aliases (subject and body).
text = "ご請求金額のお知らせ①㈱㍉ｶﾀｶﾅ"
for label, enc in [("ISO-2022-JP-MS", "iso"), ("CP50220", "iso"), ("CP50221", "iso"), ("iso-2022-jp-2", "iso"),
                   ("cp932", "cp932"), ("windows-31j", "cp932"), ("x-sjis", "cp932"), ("Shift-JIS", "cp932"),
                   ("EUC-JP", "euc"), ("_iso-2022-jp$ESC", "iso")]:
    raw = iso2022(text) if enc == "iso" else text.encode("cp932") if enc == "cp932" else text.replace("ｶﾀｶﾅ", "カタカナ").replace("①㈱㍉", "").encode("euc_jp")
    safe = label.lower().replace("$", "").replace("_", "")
    write(f"alias-{safe}.eml", BASE + [b"From: a@example.jp", b"Subject: " + bword(label, raw)],
          raw + b"\r\n", b"text/plain; charset=\"" + label.encode() + b"\"")

# 4. Missing and wrong labels.
body = "本メールは総務省からの注意喚起です。\r\nhttp://www.soumu.go.jp/menu_news/s-news/01ryutsu03_02000092.html\r\n"
write("no-charset-sjis-body.eml", BASE + [b"From: a@example.jp", b"Subject: no label"], body.encode("cp932"), b"text/plain")
write("mislabeled-iso2022jp-utf8.eml", BASE + [b"From: a@example.jp", b"Subject: =?ISO-2022-JP?B?" + base64.b64encode("返信：会議".encode()) + b"?="],
      body.encode("utf-8"), b"text/plain; charset=ISO-2022-JP")
write("mislabeled-iso2022jp-sjis.eml", BASE + [b"From: a@example.jp", b"Subject: wrong"], body.encode("cp932"), b"text/plain; charset=iso-2022-jp")

# 5. Raw 8-bit headers and filenames.
att = (b"--b3\r\nContent-Type: text/plain\r\n\r\n" + "添付をご確認ください".encode("cp932") + b"\r\n--b3\r\n"
       b"Content-Type: application/zip; name=\"" + "請求書.zip".encode("cp932") + b"\"\r\nContent-Disposition: attachment; filename=\""
       + "請求書.zip".encode("cp932") + b"\"\r\nContent-Transfer-Encoding: base64\r\n\r\nUEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\r\n--b3--\r\n")
write("raw-8bit-sjis-headers.eml", BASE + [b"From: " + "山田 太郎".encode("cp932") + b" <taro@example.co.jp>",
      b"Subject: " + "【至急】お支払いのご確認".encode("cp932")], att, b'multipart/mixed; boundary="b3"')
write("raw-8bit-eucjp-headers.eml", BASE + [b"From: \"" + "経理部 鈴木".encode("euc_jp") + b"\" <suzuki@example.co.jp>",
      b"Subject: " + "送金手続きについて".encode("euc_jp")], "本文です".encode("euc_jp") + b"\r\n", b"text/plain")
write("raw-iso2022jp-headers.eml", BASE + [b"From: " + iso2022("ヤマト運輸") + b" <info@kuroneko-yamato.example>",
      b"Subject: " + iso2022("お荷物お届けのお知らせ(再配達)")], iso2022("不在のため持ち帰りました") + b"\r\n", b"text/plain; charset=iso-2022-jp")

# 6. NEC special characters and half-width kana.
write("nec-special-halfwidth-iso2022jp.eml", BASE + [b"From: a@example.jp", b"Subject: " + bword("ISO-2022-JP", iso2022("①②㈱㍉№ ｾｷｭﾘﾃｨ"))],
      iso2022("㈱テスト ｾｷｭﾘﾃｨ本部 ①") + b"\r\n", b"text/plain; charset=ISO-2022-JP")
write("nec-special-halfwidth-cp932.eml", BASE + [b"From: a@example.jp", b"Subject: " + bword("Shift_JIS", "①②㈱㍉№ ｾｷｭﾘﾃｨ".encode("cp932"))],
      "㈱テスト ｾｷｭﾘﾃｨ本部 ①".encode("cp932") + b"\r\n", b"text/plain; charset=Shift_JIS")

# 7. The seed 000 spoof and seed 004 defanged IOC, as an analyst would receive them.
seed_body = ("このメールは総務省、一般財団法人日本データ通信協会、一般社団法人ICT-ISAC、MEGA Incの4社が協力している"
             "マルウェア対策支援プロジェクトにおいて配信されております。\r\n"
             "総務省の報道発表資料\r\nhttp://www.soumu.go.jp/menu_news/s-news/01ryutsu03_02000092.html\r\n"
             "URL:https://www.ict-isac.jp/index.html\r\n本プロジェクトの問い合わせ Mail: ict-isac@sigaint.org\r\n")
write("seed000-ict-isac-spoof.eml", [b"Return-Path: <ict-isac@sigaint.org>",
      b"Received: from sigaint.org (unknown [198.51.100.23])\r\n\tby mx.example.co.jp (Postfix) with ESMTP id 3A1B2C\r\n\tfor <taro@example.co.jp>; Mon, 31 Oct 2016 10:14:58 +0900 (JST)",
      b"Authentication-Results: mx.example.co.jp; spf=none smtp.mailfrom=sigaint.org; dkim=none; dmarc=none header.from=sigaint.org",
      b"Date: Mon, 31 Oct 2016 10:15:00 +0900", b"Message-ID: <5817a1b4.seed000@sigaint.org>", b"MIME-Version: 1.0",
      b"From: " + bword("ISO-2022-JP", iso2022("一般社団法人ICT-ISAC セキュリティ本部")) + b" <ict-isac@sigaint.org>",
      b"To: taro@example.co.jp",
      b"Subject: " + bword("ISO-2022-JP", iso2022("【重要】総務省共同プロジェクト インターネットバンキングに係るマルウェアへの感染者")) + b"\r\n "
      + bword("ISO-2022-JP", iso2022("に対する注意喚起及び除去ツールの配布について"))],
      iso2022(seed_body), b"text/plain; charset=ISO-2022-JP")
write("seed004-defanged-ioc.eml", BASE + [b"From: JPCERT-like <alerts@example.org>", b"Subject: IOC share"],
      b"Payload URL: hxxp://abbeykurtz[.]com/VZZQNZJIZD9113942\r\nC2: 203.0.113[.]45 and evil(.)example{.}net\r\n", b"text/plain; charset=us-ascii")

# 8. Half-width kana in the CP50222 (SO/SI) and JIS8 (raw 0xA1-0xDF) forms.
kana = "ｾｷｭﾘﾃｨ".encode("cp932")
so_si = b"\x1b$B" + iso2022("注意")[3:-3] + b"\x1b(B" + b"\x0e" + bytes(c - 0x80 for c in kana) + b"\x0f" + b" OK"
jis8 = b"\x1b$B" + iso2022("注意")[3:-3] + b"\x1b(B" + kana + b" OK"
write("halfwidth-kana-cp50222-so-si.eml", BASE + [b"From: a@example.jp", b"Subject: " + bword("CP50222", so_si)], so_si + b"\r\n", b"text/plain; charset=CP50222")
write("halfwidth-kana-jis8.eml", BASE + [b"From: a@example.jp", b"Subject: " + bword("ISO-2022-JP", jis8)], jis8 + b"\r\n", b"text/plain; charset=ISO-2022-JP")
