package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The syslog parser on the examples of RFC 5424 (section 6.5) and the framings of RFC 6587. */
class SyslogParserTest {

  private static final String BOM = "\uFEFF";

  @Test
  void example1WithoutStructuredData() throws Exception {
    var m = SyslogParser.parse("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - " + BOM
        + "'su root' failed for lonvick on /dev/pts/8");
    assertThat(m.facility()).isEqualTo(4);
    assertThat(m.severity()).isEqualTo(2);
    assertThat(m.version()).isEqualTo(1);
    assertThat(m.timestamp()).isEqualTo(Instant.parse("2003-10-11T22:14:15.003Z"));
    assertThat(m.hostname()).isEqualTo("mymachine.example.com");
    assertThat(m.appName()).isEqualTo("su");
    assertThat(m.procId()).isNull();
    assertThat(m.msgId()).isEqualTo("ID47");
    assertThat(m.structuredData()).isEmpty();
    assertThat(m.msg()).isEqualTo("'su root' failed for lonvick on /dev/pts/8");
  }

  @Test
  void example2WithAnOffsetAndMicroseconds() throws Exception {
    var m = SyslogParser.parse("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to "
        + "make the do-nuts.");
    assertThat(m.facility()).isEqualTo(20);
    assertThat(m.severity()).isEqualTo(5);
    assertThat(m.timestamp()).isEqualTo(Instant.parse("2003-08-24T12:14:15.000003Z"));
    assertThat(m.hostname()).isEqualTo("192.0.2.1");
    assertThat(m.procId()).isEqualTo("8710");
    assertThat(m.msgId()).isNull();
    assertThat(m.msg()).isEqualTo("%% It's time to make the do-nuts.");
  }

  @Test
  void example3WithStructuredDataAndAMessage() throws Exception {
    var m = SyslogParser.parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
        + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] " + BOM
        + "An application event log entry...");
    assertThat(m.structuredData()).containsExactly(Map.entry("exampleSDID@32473",
        Map.of("iut", "3", "eventSource", "Application", "eventID", "1011")));
    assertThat(m.structuredData().get("exampleSDID@32473").keySet()).containsExactly("iut", "eventSource", "eventID");
    assertThat(m.msg()).isEqualTo("An application event log entry...");
  }

  @Test
  void example4WithTwoElementsAndNoMessage() throws Exception {
    var m = SyslogParser.parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
        + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 "
        + "class=\"high\"]");
    assertThat(m.structuredData().keySet()).containsExactly("exampleSDID@32473", "examplePriority@32473");
    assertThat(m.structuredData().get("examplePriority@32473")).containsEntry("class", "high");
    assertThat(m.msg()).isNull();
  }

  @Test
  void escapesInParamValuesAndATokenAsSdId() throws Exception {
    var m = SyslogParser.parse("<14>1 - host app - - [itgc@32473 token=\"a\\\"b\\\\c\\]d\"]"
        + "[itgc_ABCDEFGH_0123456789012345678901234567890123456789012@41058 tag=\"erp\"] x");
    assertThat(m.timestamp()).isNull();
    assertThat(m.structuredData().get("itgc@32473")).containsEntry("token", "a\"b\\c]d");
    assertThat(m.structuredData()).containsKey("itgc_ABCDEFGH_0123456789012345678901234567890123456789012@41058");
  }

  @Test
  void whatIsNotRfc5424IsRefusedWithThePlace() {
    assertThatThrownBy(() -> SyslogParser.parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed"))
        .hasMessageContaining("VERSION");
    assertThatThrownBy(() -> SyslogParser.parse("<192>1 - - - - - -")).hasMessageContaining("PRI");
    assertThatThrownBy(() -> SyslogParser.parse("<34>1 2003-13-11T22:14:15Z h a - - -"))
        .hasMessageContaining("TIMESTAMP");
    assertThatThrownBy(() -> SyslogParser.parse("<34>1 2003-10-11T22:14:15 h a - - -"))
        .as("a time without offset").hasMessageContaining("TIMESTAMP");
    assertThatThrownBy(() -> SyslogParser.parse("<34>1 - h a - - [id x=\"1\"")).hasMessageContaining("']'");
    assertThatThrownBy(() -> SyslogParser.parse("<34>1 - h a - - [id x=1]")).hasMessageContaining("double quotes");
    assertThatThrownBy(() -> SyslogParser.parse("<34>1 - h a - - [id x=\"1\"][id y=\"2\"]"))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> SyslogParser.parse("<34>1 - h a - -")).hasMessageContaining("MSGID");
    assertThatThrownBy(() -> SyslogParser.parse("<34>1 - h a - - ")).hasMessageContaining("STRUCTURED-DATA");
    assertThatThrownBy(() -> SyslogParser.parse("<34>1 - h a - - -x")).hasMessageContaining("space");
  }

  @Test
  void framesByOctetCountingAndByLineFeedOnOneStream() throws Exception {
    String a = "<34>1 - h a - - - one\nwith a line feed inside";
    String b = "<34>1 - h a - - - two";
    String stream = a.getBytes(StandardCharsets.UTF_8).length + " " + a + b + "\r\n" + "<34>1 - h a - - - three\n"
        + "9 <34>1 - -";
    var frames = new SyslogFrames(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), 1000);
    List<String> read = new ArrayList<>();
    byte[] frame;
    while ((frame = frames.next()) != null) {
      read.add(new String(frame, StandardCharsets.UTF_8));
    }
    assertThat(read).containsExactly(a, b, "<34>1 - h a - - - three", "<34>1 - -");
  }

  @Test
  void aBrokenFrameIsAFramingError() {
    var tooLong = new SyslogFrames(new ByteArrayInputStream("99999 <34>1".getBytes(StandardCharsets.UTF_8)), 1000);
    assertThatThrownBy(tooLong::next).isInstanceOf(SyslogFrames.FramingException.class).hasMessageContaining("1000");
    var cut = new SyslogFrames(new ByteArrayInputStream("50 <34>1 - -".getBytes(StandardCharsets.UTF_8)), 1000);
    assertThatThrownBy(cut::next).isInstanceOf(SyslogFrames.FramingException.class).hasMessageContaining("ended");
    var noSpace = new SyslogFrames(new ByteArrayInputStream("12x<34>1".getBytes(StandardCharsets.UTF_8)), 1000);
    assertThatThrownBy(noSpace::next).isInstanceOf(SyslogFrames.FramingException.class);
  }
}
