package org.itgc.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The model conventions of docs/architecture.md, checked on every BPMN, DMN and form of a project folder: the same
 * rules as the shared {@code check-models} tool, so that the build enforces them by itself.
 */
final class ModelConventions {

  static final String BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL";
  static final String BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI";
  static final String DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/";
  static final String DMNDI = "https://www.omg.org/spec/DMN/20191111/DMNDI/";
  static final String CAMUNDA = "http://camunda.org/schema/1.0/bpmn";
  static final String CAMUNDA_DMN = "http://camunda.org/schema/1.0/dmn";

  private static final Set<String> FLOW_NODES = Set.of("task", "userTask", "serviceTask", "scriptTask",
      "businessRuleTask", "sendTask", "receiveTask", "manualTask", "callActivity", "subProcess", "transaction",
      "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
      "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
      "dataObjectReference", "dataStoreReference", "textAnnotation", "lane");
  private static final Set<String> NAMED = Set.of("userTask", "serviceTask", "businessRuleTask", "callActivity",
      "subProcess", "exclusiveGateway", "inclusiveGateway", "sendTask", "receiveTask", "manualTask", "scriptTask");
  private static final Set<String> KEYLESS_FORM_COMPONENTS = Set.of("text", "button", "spacer", "separator",
      "group", "dynamiclist", "iframe", "image", "html", "table", "expression");
  private static final Pattern GENERATED_ID = Pattern.compile("^(Activity|Gateway|Event|Flow|StartEvent|EndEvent|Task|"
      + "SequenceFlow|DataObjectReference|TextAnnotation|Association|Decision|InputData|Definitions|Process|"
      + "Participant|Lane)_[0-9a-z]{7}$");

  private final List<String> problems = new ArrayList<>();
  private final Path root;

  private ModelConventions(Path root) {
    this.root = root;
  }

  /** Every problem found under {@code root}'s processes/, dmn/ and forms/. */
  static List<String> check(Path root) {
    var checker = new ModelConventions(root);
    checker.run();
    return checker.problems;
  }

  private void run() {
    for (String folder : List.of("processes", "dmn", "forms")) {
      if (!Files.isDirectory(root.resolve(folder))) {
        problem(root.resolve(folder), "missing folder");
      }
    }
    Map<String, Path> forms = loadForms();
    files("processes", ".bpmn").forEach(path -> checkBpmn(path, forms.keySet()));
    files("dmn", ".dmn").forEach(this::checkDmn);
  }

  private List<Path> files(String folder, String suffix) {
    Path dir = root.resolve(folder);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void problem(Path path, String message) {
    problems.add(root.relativize(path) + ": " + message);
  }

  private static String stem(Path path) {
    String name = path.getFileName().toString();
    return name.substring(0, name.lastIndexOf('.'));
  }

  private Document parse(Path path) {
    try {
      var factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(path.toFile());
    } catch (Exception e) {
      problem(path, "not well-formed XML: " + e.getMessage());
      return null;
    }
  }

  private static List<Element> children(Element parent, String namespace, String local) {
    List<Element> result = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && namespace.equals(e.getNamespaceURI()) && local.equals(e.getLocalName())) {
        result.add(e);
      }
    }
    return result;
  }

  private static List<Element> descendants(Node parent) {
    List<Element> result = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e) {
        result.add(e);
        result.addAll(descendants(e));
      }
    }
    return result;
  }

  private static Set<String> references(Document document, String namespace, String local, String attribute) {
    Set<String> result = new HashSet<>();
    NodeList nodes = document.getElementsByTagNameNS(namespace, local);
    for (int i = 0; i < nodes.getLength(); i++) {
      result.add(((Element) nodes.item(i)).getAttribute(attribute));
    }
    return result;
  }

  private static String attr(Element element, String namespace, String name) {
    String value = namespace == null ? element.getAttribute(name) : element.getAttributeNS(namespace, name);
    return value == null || value.isEmpty() ? null : value;
  }

  private void checkBpmn(Path path, Set<String> forms) {
    Document document = parse(path);
    if (document == null) {
      return;
    }
    List<Element> processes = children(document.getDocumentElement(), BPMN, "process");
    if (processes.isEmpty()) {
      problem(path, "no bpmn:process");
      return;
    }
    List<Element> executable = processes.stream().filter(p -> "true".equals(p.getAttribute("isExecutable"))).toList();
    if (executable.isEmpty()) {
      problem(path, "no process with isExecutable=\"true\"");
    }
    if (executable.size() == 1 && !executable.get(0).getAttribute("id").equals(stem(path))) {
      problem(path, "file name should be the process key: process id is '" + executable.get(0).getAttribute("id") + "'");
    }
    Set<String> shaped = references(document, BPMNDI, "BPMNShape", "bpmnElement");
    Set<String> edged = references(document, BPMNDI, "BPMNEdge", "bpmnElement");
    for (Element process : processes) {
      String pid = process.getAttribute("id");
      if ("true".equals(process.getAttribute("isExecutable")) && attr(process, CAMUNDA, "historyTimeToLive") == null) {
        problem(path, "process '" + pid + "' has no camunda:historyTimeToLive");
      }
      for (Element element : descendants(process)) {
        String kind = element.getLocalName();
        String id = attr(element, null, "id");
        if (id == null) {
          continue;
        }
        if (GENERATED_ID.matcher(id).matches()) {
          problem(path, kind + " '" + id + "' has a generated id: give it one that reads as words");
        }
        if (FLOW_NODES.contains(kind) && !shaped.contains(id)) {
          problem(path, kind + " '" + id + "' has no BPMNShape: Camunda Modeler will not show it");
        }
        if (Set.of("sequenceFlow", "association", "messageFlow").contains(kind) && !edged.contains(id)) {
          problem(path, kind + " '" + id + "' has no BPMNEdge: Camunda Modeler will not show it");
        }
        if (NAMED.contains(kind) && attr(element, null, "name") == null) {
          problem(path, kind + " '" + id + "' has no name");
        }
        if (attr(element, CAMUNDA, "class") != null) {
          problem(path, kind + " '" + id + "' names a Java class (camunda:class): use delegateExpression or expression");
        }
        String formRef = attr(element, CAMUNDA, "formRef");
        if ("userTask".equals(kind)) {
          if (formRef == null && attr(element, CAMUNDA, "formKey") == null) {
            problem(path, "userTask '" + id + "' has no form (camunda:formRef)");
          }
          if (attr(element, CAMUNDA, "candidateGroups") == null && attr(element, CAMUNDA, "assignee") == null
              && attr(element, CAMUNDA, "candidateUsers") == null) {
            problem(path, "userTask '" + id + "' has no candidate groups, candidate users or assignee");
          }
        }
        if (("userTask".equals(kind) || "startEvent".equals(kind)) && formRef != null && !formRef.startsWith("${")
            && !forms.contains(formRef)) {
          problem(path, kind + " '" + id + "' refers to form '" + formRef + "', which no file in forms/ defines");
        }
      }
    }
  }

  private void checkDmn(Path path) {
    Document document = parse(path);
    if (document == null) {
      return;
    }
    Element root = document.getDocumentElement();
    if (!DMN13.equals(root.getNamespaceURI())) {
      problem(path, "not DMN 1.3 (namespace " + DMN13 + "): Camunda Modeler 5 expects 1.3");
      return;
    }
    List<Element> decisions = children(root, DMN13, "decision");
    if (decisions.isEmpty()) {
      problem(path, "no decision");
    }
    if (decisions.stream().noneMatch(d -> d.getAttribute("id").equals(stem(path)))) {
      problem(path, "file name should be a decision key");
    }
    Set<String> shaped = references(document, DMNDI, "DMNShape", "dmnElementRef");
    NodeList top = root.getChildNodes();
    for (int i = 0; i < top.getLength(); i++) {
      if (!(top.item(i) instanceof Element element)) {
        continue;
      }
      String kind = element.getLocalName();
      String id = element.getAttribute("id");
      if (Set.of("decision", "inputData", "knowledgeSource", "businessKnowledgeModel", "textAnnotation").contains(kind)) {
        if (!shaped.contains(id)) {
          problem(path, kind + " '" + id + "' has no DMNShape: Camunda Modeler will not show it in the DRD");
        }
        if (GENERATED_ID.matcher(id).matches()) {
          problem(path, kind + " '" + id + "' has a generated id");
        }
      }
      if ("decision".equals(kind)) {
        if (attr(element, CAMUNDA_DMN, "historyTimeToLive") == null) {
          problem(path, "decision '" + id + "' has no camunda:historyTimeToLive");
        }
        if (attr(element, null, "name") == null) {
          problem(path, "decision '" + id + "' has no name");
        }
        for (Element table : children(element, DMN13, "decisionTable")) {
          for (Element input : children(table, DMN13, "input")) {
            List<Element> expression = children(input, DMN13, "inputExpression");
            if (expression.isEmpty() || attr(expression.get(0), null, "typeRef") == null) {
              problem(path, "decision '" + id + "' input '" + input.getAttribute("label") + "' has no typeRef");
            }
          }
          for (Element output : children(table, DMN13, "output")) {
            if (attr(output, null, "name") == null) {
              problem(path, "decision '" + id + "' output '" + output.getAttribute("id") + "' has no name");
            }
          }
          if (children(table, DMN13, "rule").isEmpty()) {
            problem(path, "decision '" + id + "' has no rules");
          }
        }
      }
    }
  }

  private Map<String, Path> loadForms() {
    Map<String, Path> forms = new TreeMap<>();
    var json = new ObjectMapper();
    for (Path path : files("forms", ".form")) {
      JsonNode form;
      try {
        form = json.readTree(path.toFile());
      } catch (IOException e) {
        problem(path, "not valid JSON: " + e.getMessage());
        continue;
      }
      String id = form.path("id").asText("");
      if (id.isEmpty()) {
        problem(path, "no \"id\"");
        continue;
      }
      if (!id.equals(stem(path))) {
        problem(path, "file name should be the form id '" + id + "'");
      }
      if (!"default".equals(form.path("type").asText()) || !form.path("components").isArray()) {
        problem(path, "not a form-js form (type \"default\" with a components list)");
      }
      walkForm(path, form.path("components"), new HashSet<>());
      forms.put(id, path);
    }
    return forms;
  }

  private void walkForm(Path path, JsonNode components, Set<String> keys) {
    for (JsonNode component : components) {
      if (component.path("text").asText("").contains("\\n")) {
        problem(path, "text '" + component.path("id").asText() + "' shows a literal \\n: write a line break");
      }
      String key = component.path("key").asText("");
      if (!KEYLESS_FORM_COMPONENTS.contains(component.path("type").asText()) && key.isEmpty()) {
        problem(path, "component '" + component.path("id").asText(component.path("label").asText()) + "' has no key");
      }
      if (!key.isEmpty() && !keys.add(key)) {
        problem(path, "key '" + key + "' is used twice");
      }
      walkForm(path, component.path("components"), keys);
    }
  }
}
