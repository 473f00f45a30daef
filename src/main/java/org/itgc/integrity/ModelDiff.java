package org.itgc.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A readable difference between two versions of a model, for the people who approve a model change:
 * <ul>
 *   <li>BPMN and DMN: every element with an id (tasks, gateways, flows, events, decisions, rules, inputs, outputs)
 *       added, removed, or changed with each attribute, condition, listener, candidate group, timer, input or
 *       output entry that changed ({@code changed rule DecisionRule_3: inputEntry[1]: "tier1" -> "tier2"});
 *       diagram layout is left out;</li>
 *   <li>forms: fields added, removed or changed (label, type, required, values).</li>
 * </ul>
 */
final class ModelDiff {

  private static final Set<String> LAYOUT_NAMESPACES = Set.of("http://www.omg.org/spec/BPMN/20100524/DI",
      "http://www.omg.org/spec/DD/20100524/DC", "http://www.omg.org/spec/DD/20100524/DI",
      "https://www.omg.org/spec/DMN/20191111/DMNDI/", "http://www.omg.org/spec/DMN/20180521/DI/",
      "http://www.omg.org/spec/DMN/20180521/DC/", "https://www.omg.org/spec/DMN/20191111/DMNDI",
      "http://www.omg.org/spec/DMN/20180521/DMNDI/");
  private static final Set<String> TOPOLOGY = Set.of("incoming", "outgoing");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelDiff() {}

  /** The differences, one line each; the whole content as "added" lines when there is no earlier version. */
  static List<String> of(String resourceName, byte[] before, byte[] after) throws IOException {
    if (resourceName.endsWith(".form")) {
      return compare(formFields(before), formFields(after));
    }
    return compare(xmlElements(before), xmlElements(after));
  }

  private static List<String> compare(Map<String, Map<String, String>> before, Map<String, Map<String, String>> after) {
    List<String> lines = new ArrayList<>();
    for (var entry : after.entrySet()) {
      Map<String, String> old = before.get(entry.getKey());
      if (old == null) {
        lines.add("added " + entry.getKey() + describe(entry.getValue()));
      } else if (!old.equals(entry.getValue())) {
        var changes = new ArrayList<String>();
        var keys = new java.util.TreeSet<>(old.keySet());
        keys.addAll(entry.getValue().keySet());
        for (String key : keys) {
          String was = old.get(key);
          String now = entry.getValue().get(key);
          if (was == null ? now != null : !was.equals(now)) {
            changes.add(key + ": " + quote(was) + " -> " + quote(now));
          }
        }
        lines.add("changed " + entry.getKey() + ": " + String.join("; ", changes));
      }
    }
    for (String id : before.keySet()) {
      if (!after.containsKey(id)) {
        lines.add("removed " + id + describe(before.get(id)));
      }
    }
    return lines;
  }

  private static String describe(Map<String, String> properties) {
    if (properties.isEmpty()) {
      return "";
    }
    var parts = new ArrayList<String>();
    properties.forEach((k, v) -> parts.add(k + "=" + quote(v)));
    return " (" + String.join(", ", parts) + ")";
  }

  private static String quote(String value) {
    return value == null ? "(none)" : "'" + (value.length() > 200 ? value.substring(0, 200) + "..." : value) + "'";
  }

  // ---------------------------------------------------------------- BPMN and DMN

  /** Every element with an id, by "kind id", with its attributes and content that is not another element's. */
  static Map<String, Map<String, String>> xmlElements(byte[] xml) throws IOException {
    Map<String, Map<String, String>> elements = new TreeMap<>();
    if (xml == null) {
      return elements;
    }
    try {
      var factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      var document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
      collect(document.getDocumentElement(), elements);
    } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
      throw new IOException("not well-formed XML: " + e.getMessage(), e);
    }
    return elements;
  }

  private static void collect(Element element, Map<String, Map<String, String>> elements) {
    if (LAYOUT_NAMESPACES.contains(element.getNamespaceURI())) {
      return;
    }
    if (element.getLocalName().equals("rule") && element.getParentNode() instanceof Element table) {
      elements.put("rule " + element.getAttribute("id"), rule(element, table));
      return;
    }
    if (element.hasAttribute("id") && element.getParentNode() instanceof Element) {
      Map<String, String> properties = new LinkedHashMap<>();
      flatten(element, "", properties, true);
      elements.put(element.getLocalName() + " " + element.getAttribute("id"), properties);
    }
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element childElement) {
        collect(childElement, elements);
      }
    }
  }

  private static void flatten(Element element, String prefix, Map<String, String> properties, boolean self) {
    var attributes = element.getAttributes();
    for (int i = 0; i < attributes.getLength(); i++) {
      Node attribute = attributes.item(i);
      String name = attribute.getLocalName() == null ? attribute.getNodeName() : attribute.getLocalName();
      if ((self && name.equals("id")) || XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(attribute.getNamespaceURI())) {
        continue;
      }
      properties.put(prefix + name, attribute.getNodeValue());
    }
    Map<String, Integer> seen = new LinkedHashMap<>();
    StringBuilder text = new StringBuilder();
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element childElement) {
        if (childElement.hasAttribute("id") || TOPOLOGY.contains(childElement.getLocalName())
            || LAYOUT_NAMESPACES.contains(childElement.getNamespaceURI())) {
          continue;
        }
        String name = childElement.getLocalName();
        int index = seen.merge(name, 1, Integer::sum) - 1;
        flatten(childElement, prefix + name + "[" + index + "]/", properties, false);
      } else if (child.getNodeType() == Node.TEXT_NODE || child.getNodeType() == Node.CDATA_SECTION_NODE) {
        text.append(child.getNodeValue());
      }
    }
    String content = text.toString().strip();
    if (!content.isEmpty()) {
      properties.put(prefix.isEmpty() ? "text" : prefix.substring(0, prefix.length() - 1), content);
    }
  }

  /**
   * A DMN rule as a reader of the table sees it: its decision, its description, and "when" each input column's
   * entry and "then" each output column's, the columns named by their labels (their expression or name otherwise).
   */
  private static Map<String, String> rule(Element rule, Element table) {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    for (Element column : children(table)) {
      if (column.getLocalName().equals("input")) {
        String expression = children(column).stream().filter(e -> e.getLocalName().equals("inputExpression"))
            .map(e -> e.getTextContent().strip()).findFirst().orElse(column.getAttribute("id"));
        inputs.add(unique(inputs, column.hasAttribute("label") ? column.getAttribute("label") : expression));
      } else if (column.getLocalName().equals("output")) {
        outputs.add(unique(outputs, column.hasAttribute("label") ? column.getAttribute("label")
            : column.hasAttribute("name") ? column.getAttribute("name") : column.getAttribute("id")));
      }
    }
    Map<String, String> properties = new LinkedHashMap<>();
    Node decision = table.getParentNode();
    if (decision instanceof Element decisionElement) {
      properties.put("decision", decisionElement.getAttribute("id"));
    }
    // where the first matching rule wins (or rules are applied in order), a rule's place is part of what it says
    String hitPolicy = table.getAttribute("hitPolicy");
    if (hitPolicy.equals("FIRST") || hitPolicy.equals("RULE ORDER")) {
      int position = 1;
      for (Element sibling : children(table)) {
        if (sibling == rule) {
          break;
        }
        if (sibling.getLocalName().equals("rule")) {
          position++;
        }
      }
      properties.put("position (" + hitPolicy + ")", String.valueOf(position));
    }
    int input = 0;
    int output = 0;
    for (Element entry : children(rule)) {
      String text = entry.getTextContent().strip();
      switch (entry.getLocalName()) {
        case "description" -> properties.put("description", text);
        case "inputEntry" -> {
          properties.put("when " + (input < inputs.size() ? inputs.get(input) : "input " + (input + 1)), text);
          input++;
        }
        case "outputEntry" -> {
          properties.put("then " + (output < outputs.size() ? outputs.get(output) : "output " + (output + 1)), text);
          output++;
        }
        default -> { }
      }
    }
    return properties;
  }

  /** A column's name, made unique when another column of the table has the same label ("Amount (2)"). */
  private static String unique(List<String> names, String name) {
    String candidate = name;
    for (int n = 2; names.contains(candidate); n++) {
      candidate = name + " (" + n + ")";
    }
    return candidate;
  }

  private static List<Element> children(Element element) {
    List<Element> children = new ArrayList<>();
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element childElement) {
        children.add(childElement);
      }
    }
    return children;
  }

  // ---------------------------------------------------------------- forms

  static Map<String, Map<String, String>> formFields(byte[] form) throws IOException {
    Map<String, Map<String, String>> fields = new TreeMap<>();
    if (form == null) {
      return fields;
    }
    JsonNode root = JSON.readTree(form);
    collectFields(root, fields);
    return fields;
  }

  private static void collectFields(JsonNode node, Map<String, Map<String, String>> fields) {
    for (JsonNode component : node.path("components")) {
      if (component.hasNonNull("key")) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("type", component.path("type").asText());
        properties.put("label", component.path("label").asText(""));
        properties.put("required", String.valueOf(component.path("validate").path("required").asBoolean(false)));
        if (component.has("values")) {
          properties.put("values", component.get("values").toString());
        }
        if (component.has("defaultValue")) {
          properties.put("defaultValue", component.get("defaultValue").toString());
        }
        fields.put("field " + component.get("key").asText(), properties);
      }
      collectFields(component, fields);
    }
  }
}
