use std::time::{Duration, Instant};

use super::*;

#[test]
fn renders_text_links_and_hides_scripts() {
    let html = r#"<html><head><title>t</title><style>p{}</style></head><body>
        <p>Dear&nbsp;customer,</p><script>var a="<a href='x'>";</script>
        <a href=" https://evil.example/login ">https://www.mufg.jp/</a>
        <img src="http://track.example/p.gif" alt="logo"><form action="//post.example/x"></form>
        </body></html>"#;
    let r = render(html);
    assert!(r.text.starts_with("Dear customer,"), "{:?}", r.text);
    assert!(!r.text.contains("var a"));
    assert_eq!(r.links.len(), 1);
    assert_eq!(r.links[0].href, "https://evil.example/login");
    assert_eq!(r.links[0].text, "https://www.mufg.jp/");
    assert!(r.resources.contains(&"http://track.example/p.gif".to_string()));
}

#[test]
fn japanese_text_and_entities() {
    let r = render("<div>お支払い&#x306E;確認</div><div><a href='http://x.example/'>こちら</a></div>");
    assert_eq!(r.text, "お支払いの確認\nこちら");
    assert_eq!(r.links[0].text, "こちら");
}

fn hrefs(r: &Rendered) -> Vec<&str> {
    r.links.iter().map(|l| l.href.as_str()).collect()
}

#[test]
fn named_numeric_and_legacy_entities() {
    let r = render("&lt;&gt;&quot;&apos;&amp; &copy;&yen;&hellip;&rarr;&mdash; &#123;&#x1F600;&#X41;");
    assert_eq!(r.text, "<>\"'& ©¥…→— {😀A");
    // Invalid, zero, surrogate and out-of-range references become U+FFFD;
    // C1 controls map to windows-1252 as the spec says.
    let r = render("&#0;|&#xD800;|&#x110000;|&#99999999999999;|&#x80;");
    assert_eq!(r.text, "\u{fffd}|\u{fffd}|\u{fffd}|\u{fffd}|€");
    // Legacy names decode without `;` in text, the longest known prefix wins,
    // and unknown names or bare `&` stay as written.
    let r = render("a&ampb &copy2024 x&nbsp;&nbspy &notit; &bogus; & &# &#x;");
    assert_eq!(r.text, "a&b ©2024 x y ¬it; &bogus; & &# &#x;");
}

#[test]
fn entities_in_attributes() {
    let r = render(r#"<a href="http://x.example/?a=1&amp;b=2&copy=3&lang;&#47;">t&amp;c</a>"#);
    // In attributes a legacy name followed by `=` or a letter stays literal.
    assert_eq!(hrefs(&r), ["http://x.example/?a=1&b=2&copy=3\u{27e8}/"]);
    assert_eq!(r.links[0].text, "t&c");
    let r = render("<a href=\"java&#x73;cript:alert(1)\">x</a><a href='\0'>y</a>");
    assert_eq!(hrefs(&r), ["javascript:alert(1)", "\u{fffd}"]);
}

#[test]
fn comments_and_declarations_are_skipped() {
    let r = render("<!DOCTYPE html><?xml version='1.0'?>a<!-- <a href=x>hidden</a> -->b<!---->c<!-->d<!--->e");
    assert_eq!(r.text, "abcde");
    assert!(r.links.is_empty());
    let r = render("a<!-- x --!>b<!-- -- > still comment -->c<![CDATA[ hidden ]]>d");
    // Outside SVG/MathML, CDATA is a bogus comment ending at the first `>`.
    assert_eq!(r.text, "abcd");
    let r = render("a<!-- unterminated <a href=x>y</a>");
    assert_eq!(r.text, "a");
    assert!(r.links.is_empty());
}

#[test]
fn lone_less_than_is_text() {
    let r = render("1 < 2 <= 3 <3 <\u{3042} </ x> z <");
    assert_eq!(r.text, "1 < 2 <= 3 <3 <\u{3042} z <");
}

#[test]
fn raw_text_elements() {
    let r = render(
        "<script>document.write('<a href=\"http://s.example/\">x</a>')</SCRIPT >a\
         <style>.x{background:url(<a href=y>)}</style>b<xmp><a href=z>c&amp;</xmp>\
         <script>var s = '</scriptx>'; var t = '<a href=w>';</script>d",
    );
    assert!(r.links.is_empty(), "{:?}", r.links);
    assert_eq!(r.text, "ab<a href=z>c&amp;d");
    // `noscript` is ordinary HTML here, as for a reader without scripts.
    let r = render("<noscript><a href=n>n</a></noscript>");
    assert_eq!(hrefs(&r), ["n"]);
    // Script escapes: inside `<!--`, a nested `<script>` makes the next
    // `</script>` not end the element; `-->` undoes both.
    let r = render("<script><!--<script></script><a href=h>hidden</a></script>shown");
    assert!(r.links.is_empty(), "{:?}", r.links);
    assert_eq!(r.text, "shown");
    let r = render("<script><!--</script>a<script><!--<script>--></script>b<script><!--></script>c");
    assert_eq!(r.text, "abc");
    // A self-closed `<script/>` starts no raw text.
    let r = render("<script/><a href=v>v</a>");
    assert_eq!(hrefs(&r), ["v"]);
}

#[test]
fn rcdata_title_and_textarea() {
    let r = render("<title>&lt;a href=x&gt; secret <b>bold</b></title><textarea><a href=y>z</a> &amp;\0</textarea>");
    assert_eq!(r.text, "<a href=y>z</a> &\u{fffd}");
    assert!(r.links.is_empty());
}

#[test]
fn plaintext_runs_to_the_end() {
    let r = render("a<plaintext><a href=x>y</a>");
    assert_eq!(r.text, "a<a href=x>y</a>");
    assert!(r.links.is_empty());
}

#[test]
fn attribute_syntax() {
    let r = render(
        "<a href=http://u.example/a?b=c&amp;d=e>1</a><A HREF='Q' HREF=dup>2</A>\
         <a title=\"x > y\" href=\"h3\">3</a><a href = \"h4\"/x>4</a><a href=h5/>5</a>",
    );
    assert_eq!(hrefs(&r), ["http://u.example/a?b=c&d=e", "Q", "h3", "h4", "h5/"]);
    assert_eq!(
        r.links.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(),
        ["1", "2", "3", "4", "5"]
    );
    // Unterminated tag at the end: dropped, as by a browser.
    let r = render("x<a href=\"http://never.example/");
    assert_eq!(r.text, "x");
    assert!(r.links.is_empty());
}

#[test]
fn area_self_closing_links_and_img_alt() {
    let r = render(
        "<map><area shape=rect href=\"http://area.example/\" alt=\"Area\"></map>\
         <a href=\"http://self.example/\" alt=\"Self\"/>after\
         <a href=\"http://img.example/\"><img src=\"http://i.example/b.png\" alt=\" Click  here \"></a>",
    );
    assert_eq!(
        hrefs(&r),
        ["http://area.example/", "http://self.example/", "http://img.example/"]
    );
    assert_eq!(r.links[0].text, "Area");
    assert_eq!(r.links[1].text, "Self");
    assert_eq!(r.links[2].text, "Click here");
    assert_eq!(r.text, "afterClick here");
    assert_eq!(r.resources, ["http://i.example/b.png"]);
}

#[test]
fn meta_refresh_and_resources() {
    let r = render(
        "<META HTTP-EQUIV=\"Refresh\" CONTENT=\"0; URL='http://r.example/go'\">\
         <body background=bg.jpg><iframe src=\"http://f.example/\"></iframe>\
         <object data=o.swf></object><button formaction=\"http://fa.example/\">",
    );
    assert_eq!(
        r.resources,
        [
            "http://r.example/go",
            "bg.jpg",
            "http://f.example/",
            "o.swf",
            "http://fa.example/"
        ]
    );
}

#[test]
fn malformed_nesting_and_blocks() {
    let r = render("<a href=1>x<a href=2>y</a></a><P>next<td>cell<TD>cell2<br/>end");
    assert_eq!(hrefs(&r), ["1", "2"]);
    assert_eq!(r.links[0].text, "x");
    assert_eq!(r.links[1].text, "y");
    assert_eq!(r.text, "xy\nnext cell cell2\nend");
    let r = render("<a href=open>unclosed <b>text");
    assert_eq!(r.links[0].text, "unclosed text");
    let r = render("\u{feff}<p>\u{3000}全角\u{a0}space\u{2003}em</p>");
    assert_eq!(r.text, "全角 space em");
    // NUL between tags is dropped, as a browser's tree builder does.
    let r = render("a\0b \0 c<a href=x>\0l\0</a>");
    assert_eq!(r.text, "ab cl");
    assert_eq!(r.links[0].text, "l");
}

/// Renders `html` and checks it took well under what quadratic work would.
fn render_fast(label: &str, html: &str) -> Rendered {
    let start = Instant::now();
    let r = render(html);
    let took = start.elapsed();
    // Generous for unoptimised builds on a busy two-core machine;
    // quadratic work on 5 MB would take hours.
    assert!(took < Duration::from_secs(60), "{label}: {took:?}");
    r
}

#[test]
fn hostile_inputs_are_linear() {
    const N: usize = 5 << 20;
    let cases: Vec<(&str, String)> = vec![
        ("open tags", "<a ".repeat(N / 3)),
        ("ampersands", "&".repeat(N)),
        ("entity names", "&amp".repeat(N / 4)),
        ("digits", format!("&#{}", "9".repeat(N))),
        ("comment openers", "<!--".repeat(N / 4)),
        ("unterminated quote", format!("<a href=\"{}", "x".repeat(N))),
        (
            "script without end",
            format!("<script>{}", "<a href=x></scrip".repeat(N / 17)),
        ),
        ("nested tags", "<div><a href=x><b>".repeat(N / 18)),
        ("end tags", "</a></div></".repeat(N / 12)),
        ("nul bytes", "\0<\0a\0>".repeat(N / 6)),
        ("attributes", format!("<a{}>", " href=x".repeat(N / 7))),
        ("less-thans", "<<<<<= ".repeat(N / 7)),
    ];
    for (label, html) in &cases {
        let r = render_fast(label, html);
        assert!(r.links.len() <= MAX_LINKS, "{label}");
        assert!(r.text.len() <= MAX_RENDERED_TEXT, "{label}");
    }
    assert_eq!(cases.len(), 12);
}

#[test]
fn limits_hold() {
    let r = render_fast("many links", &"<a href=x>y</a>".repeat(MAX_LINKS + 10));
    assert_eq!(r.links.len(), MAX_LINKS);
    assert!(r.truncated);
    let r = render_fast("long text", &"word ".repeat(MAX_RENDERED_TEXT));
    assert!(r.truncated);
    assert!(r.text.len() <= MAX_RENDERED_TEXT);
    let r = render_fast("long link", &format!("<a href=x>{}</a>", "あ い".repeat(MAX_LINK_TEXT)));
    assert!(r.links[0].text.len() <= MAX_LINK_TEXT);
    assert!(r.links[0].text.starts_with("あ いあ い"));
    let r = render_fast("too big", &"x".repeat(MAX_HTML_BYTES + 1));
    assert!(r.truncated);
}

#[test]
fn stylesheet_classes_hide_and_colour() {
    let filler = "word ".repeat(60);
    let html = format!(
        r##"<html><head><style type="text/css">
        /* filler for filters */ .pre {{ display: none !important }}
        .w, td.w2 {{ color:#ffffff }} .bgw {{ background-color:#fefefe }}
        @media only screen {{ .mobile-hide {{ visibility:hidden }} }}
        </style></head><body><p class="lead">Your account is on hold.</p>
        <div class="x pre">{filler}</div>
        <div class="bgw"><span class="w">white on white text here</span></div>
        <p class="mobile-hide">menu</p><p class="unknown">shown</p></body></html>"##
    );
    let s = render(&html).summary;
    assert_eq!(s.hidden_elements, 2, "{s:?}");
    assert_eq!(s.hidden_chars, 240 + "menu".len() as u32);
    assert_eq!(s.same_colour_chars, "whiteonwhitetexthere".len() as u32);
    // The stylesheet's own text is neither visible nor hidden text;
    // same-colour text counts as visible.
    assert_eq!(
        s.visible_chars,
        "Youraccountisonhold.whiteonwhitetexthereshown".len() as u32
    );
}

#[test]
fn markup_summary_counts_tricks() {
    let filler = "word ".repeat(60);
    let html = format!(
        r##"<html><head><meta http-equiv="refresh" content="0; url=https://go.example/x">
        <link rel="stylesheet" href="https://cdn.example/a.css"><script src="https://cdn.example/a.js"></script></head>
        <body bgcolor="#ffffff"><p>Visible text</p>
        <div style="display:none">{filler}</div>
        <span style="font-size:0px">tiny</span><p>after</p>
        <div style="background-color:#fff"><font color="#fefefe">white on white text here</font></div>
        <form action="https://collect.example/p"><input type="text"><input type=password></form>
        <img src="data:image/png;base64,AAAA"><iframe src="x"></iframe>
        <p>Pay&#8203;Pal acc&zwj;ount</p></body></html>"##
    );
    let s = render(&html).summary;
    assert_eq!(s.hidden_elements, 2);
    assert_eq!(s.hidden_chars, 240 + 4);
    assert!(s.visible_chars >= 10, "{s:?}");
    assert_eq!(s.same_colour_chars, "whiteonwhitetexthere".len() as u32);
    assert_eq!((s.forms, s.inputs, s.password_inputs), (1, 2, 1));
    assert_eq!(s.form_actions, vec!["https://collect.example/p".to_string()]);
    assert_eq!((s.scripts, s.external_scripts, s.external_stylesheets), (1, 1, 1));
    assert_eq!((s.frames, s.images, s.data_uris), (1, 1, 1));
    assert_eq!(s.invisible_in_words, 2);
    assert_eq!(s.meta_refresh.as_deref(), Some("https://go.example/x"));
}

#[test]
fn markup_summary_stays_quiet_on_plain_newsletters() {
    let html = r##"<table style="color:#333;background:#fff"><tr><td>
        <div style="display:none;max-height:0;overflow:hidden">Short preheader</div>
        <p style="font-size:14px">Hello, here is our news.</p><p><b>unclosed<i>tags</p>
        </td></tr></table><p>after the table</p>"##;
    let s = render(html).summary;
    assert_eq!(s.hidden_chars, "Shortpreheader".len() as u32);
    assert_eq!(s.same_colour_chars, 0);
    assert_eq!(s.forms + s.scripts + s.frames + s.data_uris, 0);
    assert!(s.meta_refresh.is_none());
    // Stray end tags and deep nesting neither panic nor leak hidden state.
    let deep = "<div style='display:none'>".repeat(2000) + "x" + &"</span>".repeat(3000) + "<p>y</p>";
    let s = render(&deep).summary;
    assert_eq!(s.hidden_chars, 2);
    // A flood of stray end tags under a deep stack stays linear.
    let flood = "<div>".repeat(600) + &"</b>".repeat(500_000);
    let start = Instant::now();
    let s = render(&flood).summary;
    assert_eq!(s.elements, 600);
    assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
}
